package password

import "testing"

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery", Default)
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := Verify(h, "correct horse battery", Default); !ok || rehash || err != nil {
		t.Errorf("right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := Verify(h, "Correct horse battery", Default); ok {
		t.Error("passwords must be case-sensitive")
	}
	if ok, rehash, _ := Verify(h, "correct horse battery", Params{Memory: Default.Memory * 2, Time: 1, Threads: 1}); !ok || !rehash {
		t.Error("a hash with weaker parameters should ask to be rehashed")
	}
	if _, _, err := Verify("$argon2id$v=19$m=1,t=1$bad", "x", Default); err == nil {
		t.Error("a malformed hash must be an error")
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery", Default); err != nil {
			b.Fatal(err)
		}
	}
}
