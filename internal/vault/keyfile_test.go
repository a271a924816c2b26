package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validFile returns a generated vault's key file as a generic JSON object,
// ready to be damaged by a test case.
func validFile(t *testing.T) (map[string]any, *Vault) {
	t.Helper()
	v := mustGenerate(t)
	data, err := v.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m, v
}

func encKeys(m map[string]any) []any            { return m["encryption"].([]any) }
func firstEnc(m map[string]any) map[string]any  { return encKeys(m)[0].(map[string]any) }
func indexKeys(m map[string]any) map[string]any { return m["index"].(map[string]any) }

func TestMarshal_WritesDocumentedFormat(t *testing.T) {
	m, v := validFile(t)
	if m["format"] != float64(1) || m["active"] != v.ActiveKeyID() {
		t.Errorf("format %v, active %v", m["format"], m["active"])
	}
	e := firstEnc(m)
	if e["id"] != v.ActiveKeyID() || e["created"] == "" || e["key"] == "" {
		t.Errorf("encryption key entry %v", e)
	}
	if len(indexKeys(m)) != len(Kinds) {
		t.Errorf("index has %d keys, want %d", len(indexKeys(m)), len(Kinds))
	}
	data, _ := v.Marshal()
	if !bytes.Contains(data, []byte("\n  \"format\": 1,")) {
		t.Errorf("key file is not indented JSON:\n%s", data)
	}
}

func TestParse_RejectsMalformedFileWithClearMessage(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := base64.StdEncoding.EncodeToString(make([]byte, 33))
	tests := []struct {
		name   string
		raw    string               // used as the file if set
		mutate func(map[string]any) // otherwise applied to a valid file
		want   string
	}{
		{name: "empty file", raw: "  \n", want: "key file is empty"},
		{name: "not JSON", raw: "active = 3fa2c1d0", want: "not valid JSON (syntax error at byte"},
		{name: "truncated JSON", raw: `{"format": 1, "active": "3fa2`, want: "not valid JSON (truncated)"},
		{name: "trailing data", raw: `{"format": 1} {}`, want: "unexpected data after"},
		{name: "wrong JSON type", raw: `{"format": "one"}`, want: `"format" must be a JSON number`},
		{name: "unknown field", mutate: func(m map[string]any) { m["actve"] = "x" }, want: `unknown field "actve"`},
		{name: "unknown field in key entry", mutate: func(m map[string]any) { firstEnc(m)["note"] = "x" }, want: `unknown field "note"`},
		{name: "missing format", mutate: func(m map[string]any) { delete(m, "format") }, want: `no "format" field`},
		{name: "unsupported format", mutate: func(m map[string]any) { m["format"] = 2 }, want: "format 2 is not supported"},
		{name: "no encryption keys", mutate: func(m map[string]any) { m["encryption"] = []any{} }, want: `no "encryption" keys`},
		{name: "missing active key", mutate: func(m map[string]any) { delete(m, "active") }, want: `no "active" key id`},
		{name: "malformed active key id", mutate: func(m map[string]any) { m["active"] = "3FA2C1D0" }, want: `"active" must be 8 lowercase hex`},
		{name: "active key not present", mutate: func(m map[string]any) { m["active"] = "00000000" }, want: "active key id 00000000 is not among"},
		{name: "malformed key id", mutate: func(m map[string]any) { firstEnc(m)["id"] = "key-1" }, want: "encryption key #1: id must be 8 lowercase hex"},
		{name: "key not base64", mutate: func(m map[string]any) { firstEnc(m)["key"] = "not base64!" }, want: "is not valid standard base64"},
		{name: "key missing", mutate: func(m map[string]any) { delete(firstEnc(m), "key") }, want: "is missing"},
		{name: "key too short", mutate: func(m map[string]any) { firstEnc(m)["key"] = short }, want: "is 16 bytes, want 32"},
		{name: "key too long", mutate: func(m map[string]any) { firstEnc(m)["key"] = long }, want: "is 33 bytes, want 32"},
		{name: "created missing", mutate: func(m map[string]any) { delete(firstEnc(m), "created") }, want: `has no "created" time`},
		{name: "created malformed", mutate: func(m map[string]any) { firstEnc(m)["created"] = "yesterday" }, want: "not an RFC 3339 time"},
		{name: "duplicate key id", mutate: func(m map[string]any) {
			dup := map[string]any{}
			for k, v := range firstEnc(m) {
				dup[k] = v
			}
			dup["key"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
			m["encryption"] = append(encKeys(m), dup)
		}, want: "duplicate encryption key id"},
		{name: "missing index kind", mutate: func(m map[string]any) { delete(indexKeys(m), "plate") }, want: `no index key for kind "plate"`},
		{name: "missing index object", mutate: func(m map[string]any) { delete(m, "index") }, want: `no index key for kind "phone"`},
		{name: "unknown index kind", mutate: func(m map[string]any) { indexKeys(m)["postcode"] = indexKeys(m)["phone"] }, want: `unknown kind "postcode"`},
		{name: "index key wrong length", mutate: func(m map[string]any) { indexKeys(m)["email"] = short }, want: `index key "email" is 16 bytes, want 32`},
		{name: "index keys identical", mutate: func(m map[string]any) { indexKeys(m)["handle"] = indexKeys(m)["email"] }, want: `index key "email" and index key "handle" are the same key`},
		{name: "index key equals encryption key", mutate: func(m map[string]any) { indexKeys(m)["phone"] = firstEnc(m)["key"] }, want: `and index key "phone" are the same key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.raw)
			var secrets []string
			if tt.raw == "" {
				m, v := validFile(t)
				secrets = allKeysBase64(t, v)
				tt.mutate(m)
				data, _ = json.Marshal(m)
			}
			v, err := Parse(data)
			if err == nil {
				t.Fatalf("Parse accepted the file: %v", v)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains key material", err)
				}
			}
		})
	}
}

func TestParse_ErrorNeverQuotesAKeyPastedIntoTheWrongField(t *testing.T) {
	tests := map[string]func(m map[string]any, key string){
		"key as id":     func(m map[string]any, key string) { firstEnc(m)["id"] = key },
		"key as active": func(m map[string]any, key string) { m["active"] = key },
		"key as kind":   func(m map[string]any, key string) { indexKeys(m)[key] = key },
		"key as field":  func(m map[string]any, key string) { m[key] = 1 },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			m, _ := validFile(t)
			key := firstEnc(m)["key"].(string)
			mutate(m, key)
			data, _ := json.Marshal(m)
			if _, err := Parse(data); err == nil || strings.Contains(err.Error(), key) {
				t.Errorf("Parse error = %v", err)
			}
		})
	}
	t.Run("syntax error", func(t *testing.T) {
		m, _ := validFile(t)
		key := firstEnc(m)["key"].(string)
		if _, err := Parse([]byte(`{"format": 1, "active": ` + key + `}`)); err == nil || strings.Contains(err.Error(), key[:4]) {
			t.Errorf("syntax error quotes file content: %v", err)
		}
	})
}

func TestWriteNew_CreatesFileWithMode0600AndPrivateParentDir(t *testing.T) {
	v := mustGenerate(t)
	dir := filepath.Join(t.TempDir(), "keys")
	path := filepath.Join(dir, "vault.json")
	if err := WriteNew(path, v); err != nil {
		t.Fatalf("WriteNew: %v", err)
	}
	for p, want := range map[string]fs.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", p, got, want)
		}
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	ct := mustSeal(t, v, testField, []byte("x"))
	if got, err := loaded.Open(testField, ct); err != nil || string(got) != "x" {
		t.Errorf("loaded vault: Open = %q, %v", got, err)
	}
}

func TestWriteNew_RefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.json")
	first := mustGenerate(t)
	if err := WriteNew(path, first); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	err := WriteNew(path, mustGenerate(t))
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second WriteNew = %v, want an 'already exists' error", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("existing key file was changed")
	}
}

func TestLoad_RefusesFileAccessibleByGroupOrOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.json")
	if err := WriteNew(path, mustGenerate(t)); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("Load of mode %04o = %v, want a refusal saying chmod 600", mode, err)
		}
	}
	for _, mode := range []fs.FileMode{0o600, 0o400} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); err != nil {
			t.Errorf("Load of mode %04o: %v", mode, err)
		}
	}
}

func TestLoad_ReportsMissingAndInvalidFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "absent.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of missing file = %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load of invalid file = %v, want an error naming the file", err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load of a directory succeeded")
	}
}

// TestVAPID_KeptInTheKeyFile: a new vault has a push key that survives the
// file; a file without one parses and gets one added once; a damaged one
// is refused.
func TestVAPID_KeptInTheKeyFile(t *testing.T) {
	v := mustGenerate(t)
	pub, priv, ok := v.VAPID()
	if !ok || len(pub) != 87 || len(priv) != 43 {
		t.Fatalf("VAPID() = %d, %d chars, %v; want an 87-character public and a 43-character private key", len(pub), len(priv), ok)
	}
	data, err := v.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if pub2, priv2, _ := again.VAPID(); pub2 != pub || priv2 != priv {
		t.Error("the push key changed on its way through the key file")
	}

	m, _ := validFile(t)
	delete(m, "vapid")
	old, _ := json.Marshal(m)
	w, err := Parse(old)
	if err != nil {
		t.Fatalf("a key file without a push key: %v", err)
	}
	if _, _, ok := w.VAPID(); ok {
		t.Error("a key file without a push key gave one")
	}
	if !w.AddVAPID() || w.AddVAPID() {
		t.Error("AddVAPID should add a key once, then leave it")
	}

	m["vapid"] = "not a key"
	bad, _ := json.Marshal(m)
	if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), `"vapid"`) {
		t.Errorf("a damaged push key: %v", err)
	}
}
