package vault

import (
	"bytes"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// fileFormat is the version of the key file layout this package reads and
// writes.
const fileFormat = 1

// maxFileSize bounds what Load reads; a real key file is well under 4 KiB
// even after many rotations.
const maxFileSize = 1 << 20

// keyFile is the JSON layout; see the package documentation.
type keyFile struct {
	Format     int               `json:"format"`
	Active     string            `json:"active"`
	Encryption []keyFileEncKey   `json:"encryption"`
	Index      map[string]string `json:"index"`
	// VAPID is the Web Push signing key (RFC 8292): a P-256 private
	// scalar, base64url. Optional: a file made before push had none
	// (`uglymugs keys push` adds it).
	VAPID string `json:"vapid,omitempty"`
}

type keyFileEncKey struct {
	ID      string `json:"id"`
	Key     string `json:"key"`
	Created string `json:"created"`
}

// Marshal returns the key-file bytes: indented JSON in the format described
// in the package documentation. The result holds every secret key; write it
// only with WriteNew or an equally careful writer.
func (v *Vault) Marshal() ([]byte, error) {
	k := v.k
	k.mu.RLock()
	kf := keyFile{
		Format: fileFormat,
		Active: k.active.id.String(),
		Index:  make(map[string]string, len(k.index)),
	}
	for _, ek := range k.order {
		kf.Encryption = append(kf.Encryption, keyFileEncKey{
			ID:      ek.id.String(),
			Key:     base64.StdEncoding.EncodeToString(ek.raw),
			Created: ek.created.Format(time.RFC3339),
		})
	}
	k.mu.RUnlock()
	for kind, key := range k.index {
		kf.Index[string(kind)] = base64.StdEncoding.EncodeToString(key)
	}
	if p := k.vapid.Load(); p != nil {
		kf.VAPID = base64.RawURLEncoding.EncodeToString(p.Bytes())
	}
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vault: encoding key file: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse parses a key file's bytes. Each defect gets its own error message;
// none of them quotes key material.
func Parse(data []byte) (*Vault, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("vault: key file is empty")
	}
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("vault: key file is not valid JSON: unexpected data after the top-level object")
	}

	switch kf.Format {
	case fileFormat:
	case 0:
		return nil, fmt.Errorf(`vault: key file has no "format" field (want %d)`, fileFormat)
	default:
		return nil, fmt.Errorf("vault: key file format %d is not supported (this build reads format %d)", kf.Format, fileFormat)
	}

	// seen maps each raw key to its name, to catch a key pasted twice: the
	// security argument relies on every key being independent.
	seen := map[string]string{}
	distinct := func(name string, raw []byte) error {
		if other, dup := seen[string(raw)]; dup {
			return fmt.Errorf("vault: key file: %s and %s are the same key; every key must be generated separately", other, name)
		}
		seen[string(raw)] = name
		return nil
	}

	r := &keyring{enc: map[keyID]*encKey{}, index: map[Kind][]byte{}}
	if len(kf.Encryption) == 0 {
		return nil, errors.New(`vault: key file has no "encryption" keys`)
	}
	for i, e := range kf.Encryption {
		id, ok := parseKeyID(e.ID)
		if !ok {
			// The bad value is not quoted: it might be a key pasted into
			// the wrong field.
			return nil, fmt.Errorf("vault: key file: encryption key #%d: id must be 8 lowercase hex characters", i+1)
		}
		name := "encryption key " + id.String()
		if _, dup := r.enc[id]; dup {
			return nil, fmt.Errorf("vault: key file: duplicate encryption key id %s", id)
		}
		raw, err := decodeKey(name, e.Key)
		if err != nil {
			return nil, err
		}
		if err := distinct(name, raw); err != nil {
			return nil, err
		}
		if e.Created == "" {
			return nil, fmt.Errorf(`vault: key file: %s has no "created" time`, name)
		}
		created, err := time.Parse(time.RFC3339, e.Created)
		if err != nil {
			return nil, fmt.Errorf(`vault: key file: %s: "created" is not an RFC 3339 time such as 2025-01-02T03:04:05Z`, name)
		}
		ek, err := newEncKey(id, raw, created)
		if err != nil {
			return nil, err
		}
		r.enc[id] = ek
		r.order = append(r.order, ek)
	}

	if kf.Active == "" {
		return nil, errors.New(`vault: key file has no "active" key id`)
	}
	activeID, ok := parseKeyID(kf.Active)
	if !ok {
		return nil, errors.New(`vault: key file: "active" must be 8 lowercase hex characters`)
	}
	if r.active = r.enc[activeID]; r.active == nil {
		return nil, fmt.Errorf(`vault: key file: active key id %s is not among the "encryption" keys`, activeID)
	}

	for _, kind := range Kinds {
		s, ok := kf.Index[string(kind)]
		if !ok {
			return nil, fmt.Errorf("vault: key file has no index key for kind %q", kind)
		}
		name := fmt.Sprintf("index key %q", kind)
		raw, err := decodeKey(name, s)
		if err != nil {
			return nil, err
		}
		if err := distinct(name, raw); err != nil {
			return nil, err
		}
		r.index[kind] = raw
	}
	if len(kf.Index) != len(Kinds) {
		for name := range kf.Index {
			if _, ok := r.index[Kind(name)]; !ok {
				return nil, fmt.Errorf("vault: key file has an index key for unknown kind %s", quoteName(name))
			}
		}
	}
	if kf.VAPID != "" {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(kf.VAPID, "="))
		if err != nil {
			return nil, errors.New(`vault: key file: "vapid" is not base64url`)
		}
		p, err := ecdh.P256().NewPrivateKey(raw)
		if err != nil {
			return nil, errors.New(`vault: key file: "vapid" is not a P-256 private key (32 bytes)`)
		}
		r.vapid.Store(p)
	}
	return &Vault{k: r}, nil
}

func decodeKey(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("vault: key file: %s is missing", name)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		// base64's error gives only an offset, but say nothing more than
		// needed.
		return nil, fmt.Errorf("vault: key file: %s is not valid standard base64", name)
	}
	if len(raw) != keySize {
		return nil, fmt.Errorf("vault: key file: %s is %d bytes, want %d", name, len(raw), keySize)
	}
	return raw, nil
}

// jsonError rewords decoding errors. Syntax errors are reduced to their
// offset because encoding/json quotes the offending character, which could be
// part of a key.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("vault: key file is not valid JSON (syntax error at byte %d)", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("vault: key file is not valid JSON (truncated)")
	case errors.As(err, &typ):
		// typ.Value can quote a number from the file, so it is left out.
		return fmt.Errorf("vault: key file: %q must be a JSON %s", typ.Field, jsonKind(typ.Type.Kind()))
	default:
		// Naming an unknown field helps with typos, but encoding/json offers
		// the name only inside its message.
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if name, err := strconv.Unquote(name); err == nil {
				return fmt.Errorf("vault: key file has unknown field %s", quoteName(name))
			}
		}
		return errors.New("vault: key file is not valid JSON")
	}
}

// quoteName quotes a name from the key file for an error message only if it
// looks like a field or kind name, since a key pasted into the wrong place
// must not end up in a log.
func quoteName(s string) string {
	if len(s) == 0 || len(s) > 24 || strings.TrimLeft(s, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return "(name not shown: it does not look like a field name)"
	}
	return strconv.Quote(s)
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Slice:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	default:
		return "number"
	}
}

// Load reads and parses the key file at path. It refuses a file that group or
// others can access: a key file anyone else can read is as good as leaked, so
// that should stop the service rather than be noticed later.
func Load(path string) (*Vault, error) {
	f, err := os.Open(path) // #nosec G304 -- the operator's --key-file: reading it is the point
	if err != nil {
		return nil, fmt.Errorf("vault: opening key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode checked is the mode of
	// the bytes read.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("vault: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("vault: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("vault: key file %s has mode %04o, so group or others can access it; "+
			"run `chmod 600 %s`, and since the keys may already have been read, consider whether they must be replaced",
			path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: reading key file: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("vault: key file %s is larger than %d bytes; it is not a key file", path, maxFileSize)
	}
	v, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return v, nil
}

// Replace writes v over the key file at path: to a new file beside it,
// synced, then renamed over it (a crash leaves the old file or the new,
// never half of one). It is for adding keys, never removing them; callers
// must have loaded path into v first.
func Replace(path string, v *Vault) error {
	tmp := path + ".new"
	_ = os.Remove(tmp)
	if err := WriteNew(tmp, v); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("vault: replacing key file: %w", err), os.Remove(tmp))
	}
	d, err := os.Open(filepath.Dir(path)) // #nosec G304 -- the key file's own directory
	if err != nil {
		return fmt.Errorf("vault: syncing key directory: %w", err)
	}
	defer d.Close()
	return d.Sync()
}

// WriteNew writes v to a new key file at path with mode 0600, creating the
// parent directory with mode 0700 if it is missing. It refuses to overwrite an
// existing file, because that file may hold the only copy of keys that
// existing data needs. The file and its directory entry are synced before it
// returns, so a crash cannot leave data sealed with keys that were never
// durably saved.
func WriteNew(path string, v *Vault) error {
	data, err := v.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("vault: creating key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the operator's --key-file, created new and private
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("vault: key file %s already exists; refusing to overwrite it "+
			"(it may hold the only copy of keys existing data needs); choose a new path or move it aside yourself", path)
	}
	if err != nil {
		return fmt.Errorf("vault: creating key file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return errors.Join(fmt.Errorf("vault: writing key file: %w", err), f.Close(), os.Remove(path))
	}
	if err := f.Sync(); err != nil {
		return errors.Join(fmt.Errorf("vault: syncing key file: %w", err), f.Close(), os.Remove(path))
	}
	if err := f.Close(); err != nil {
		return errors.Join(fmt.Errorf("vault: closing key file: %w", err), os.Remove(path))
	}
	// Sync the directory too, or after a crash the file may not exist even
	// though its contents were synced.
	d, err := os.Open(dir) // #nosec G304 -- the key file's own directory
	if err != nil {
		return fmt.Errorf("vault: syncing key directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("vault: syncing key directory: %w", err)
	}
	return nil
}
