package password

import (
	"strings"
	"sync"
	"testing"
)

func TestCommon_RefusesTheMostCommonPasswordsInAnyCase(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{
		"password", "Password", "PASSWORD", "12345678", "123456789",
		"qwertyuiop", "QwertyUIOP", "iloveyou", "ILoveYou", "trustno1",
		"password1", "passw0rd", "letmein", "football", "liverpool",
		"1q2w3e4r", "123123123", "01011980", "sunshine", "princess",
	} {
		if !Common(pw) {
			t.Errorf("Common(%q) = false, want true", pw)
		}
	}
}

func TestCommon_AcceptsUncommonPasswords(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{
		"correct horse battery staple",
		"kettle-mauve-orbit-ninety",
		"Tw0 owls sang at the bus stop",
		"password 1", // only exact entries count
		" password",
		"",
	} {
		if Common(pw) {
			t.Errorf("Common(%q) = true, want false", pw)
		}
	}
}

func TestCommon_IsSafeFromManyGoroutines(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if !Common("iloveyou") || Common("correct horse battery staple") {
				t.Error("wrong answer under concurrency")
			}
		})
	}
	wg.Wait()
}

func TestCommonList_IsLowerCaseSortedAndLargeEnough(t *testing.T) {
	t.Parallel()
	lines := strings.Split(strings.TrimSuffix(commonList, "\n"), "\n")
	if len(lines) < 10000 {
		t.Fatalf("the list has %d passwords, want at least 10,000", len(lines))
	}
	for i, l := range lines {
		if l == "" || l != strings.ToLower(l) || strings.ContainsAny(l, " \t\r") {
			t.Fatalf("line %d is %q: want one lower-case password without spaces", i+1, l)
		}
		if i > 0 && lines[i-1] >= l {
			t.Fatalf("line %d, %q, is not after %q: want sorted, without duplicates", i+1, l, lines[i-1])
		}
	}
}
