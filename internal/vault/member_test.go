package vault

import (
	"bytes"
	"errors"
	"testing"
)

// A member's key seals and opens her fields; the ciphertext names her, and
// is bound to her, its place and its header; her wrapped key opens only as
// hers and only with the vault that made it.
func TestMemberKey_SealsHerFieldsBoundToHerAndTheirPlace(t *testing.T) {
	v := mustGenerate(t)
	k, wrapped, err := v.NewMemberKey("MEMBERA")
	if err != nil {
		t.Fatal(err)
	}
	f := Field{Table: "profiles", Column: "email", RowID: "MEMBERA"}
	ct, err := k.Seal(f, []byte("coral@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("coral")) {
		t.Fatal("the ciphertext holds the plaintext")
	}
	if s, ok := Subject(ct); !ok || s != "MEMBERA" {
		t.Fatalf("Subject = %q, %v", s, ok)
	}
	again, err := v.OpenMemberKey("MEMBERA", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := again.Open(f, ct); err != nil || string(pt) != "coral@example.org" {
		t.Fatalf("opened with the unwrapped key: %q, %v", pt, err)
	}

	other, _, _ := v.NewMemberKey("MEMBERB")
	tampered := bytes.Clone(ct)
	tampered[len(tampered)-1] ^= 1
	renamed := bytes.Clone(ct)
	renamed[2] = 'X'
	for name, c := range map[string]struct {
		k  MemberKey
		f  Field
		ct []byte
	}{
		"another member's key": {other, f, ct},
		"another column":       {k, Field{Table: "profiles", Column: "mobile", RowID: "MEMBERA"}, ct},
		"another row":          {k, Field{Table: "profiles", Column: "email", RowID: "MEMBERB"}, ct},
		"altered box":          {k, f, tampered},
		"altered member id":    {k, f, renamed},
		"a version-1 value":    {k, f, mustSeal(t, v, f, []byte("x"))},
		"too short":            {k, f, ct[:20]},
	} {
		if _, err := c.k.Open(c.f, c.ct); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", name, err)
		}
	}
	if _, err := v.OpenMemberKey("MEMBERB", wrapped); !errors.Is(err, ErrDecrypt) {
		t.Errorf("her wrapped key opened as another member's: %v", err)
	}
	if _, err := mustGenerate(t).OpenMemberKey("MEMBERA", wrapped); !errors.Is(err, ErrDecrypt) {
		t.Errorf("her wrapped key opened with another vault: %v", err)
	}
	if _, err := v.Open(f, ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("the vault's own key opened a member's value: %v", err)
	}
	if _, ok := Subject(mustSeal(t, v, f, []byte("x"))); ok {
		t.Error("a version-1 value names a member")
	}
	if !errors.Is(Forgotten(), ErrDecrypt) || !errors.Is(Forgotten(), ErrForgotten) {
		t.Error("a forgotten key's error is not also ErrDecrypt")
	}
	if _, _, err := v.NewMemberKey(""); err == nil {
		t.Error("a key for nobody was made")
	}
	if ct, err := k.SealString(f, ""); err != nil || ct != nil {
		t.Errorf("the empty string sealed to %v, %v; want nil", ct, err)
	}
}
