package imaging_test

import (
	"bytes"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"uglymugs/internal/imaging"
)

func sample() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 120, 255})
		}
	}
	return img
}

// withEXIF puts an APP1 Exif segment (with a GPS tag's marker text and a
// camera serial) right after the JPEG's start-of-image marker, and a
// comment segment, as phones do.
func withEXIF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sample(), nil); err != nil {
		t.Fatal(err)
	}
	payload := []byte("Exif\x00\x00MM\x00\x2a GPSLatitude 51.5074 N GPSLongitude 0.1278 W BodySerialNumber SN-EXAMPLE-1234")
	seg := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	comment := []byte("secret comment: taken at the Example Grand Hotel")
	com := append([]byte{0xFF, 0xFE, byte((len(comment) + 2) >> 8), byte(len(comment) + 2)}, comment...)
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, seg...)
	out = append(out, com...)
	return append(out, raw[2:]...)
}

func TestClean_StripsJPEGMetadata(t *testing.T) {
	in := withEXIF(t)
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the test image is not a valid JPEG: %v", err)
	}
	got, err := imaging.Clean(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Exif", "GPS", "SN-EXAMPLE", "Grand Hotel", "secret comment"} {
		if bytes.Contains(got.Data, []byte(leak)) {
			t.Errorf("%q survived cleaning", leak)
		}
	}
	if got.ContentType != "image/jpeg" || got.Width != 40 || got.Height != 30 {
		t.Errorf("cleaned: %s %dx%d", got.ContentType, got.Width, got.Height)
	}
	if _, err := jpeg.Decode(bytes.NewReader(got.Data)); err != nil {
		t.Errorf("the cleaned image does not decode: %v", err)
	}
}

func TestClean_StripsPNGTextChunks(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, sample()); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	// A tEXt chunk after the IHDR (8-byte signature + 25-byte IHDR chunk),
	// with its CRC.
	text := []byte("Comment\x00taken at 12 Station Road")
	chunk := pngChunk("tEXt", text)
	in := append(append(append([]byte{}, raw[:33]...), chunk...), raw[33:]...)
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the test image is not a valid PNG: %v", err)
	}
	got, err := imaging.Clean(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got.Data, []byte("Station Road")) || bytes.Contains(got.Data, []byte("tEXt")) {
		t.Error("the PNG text chunk survived cleaning")
	}
	if got.ContentType != "image/png" {
		t.Errorf("content type %s", got.ContentType)
	}
}

func TestClean_RefusesWhatIsNotAnImage(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty":        nil,
		"html as .png": []byte("<html><script>alert(1)</script></html>"),
		"svg":          []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`),
		"gif":          []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"truncated":    withEXIF(t)[:200],
		"too large":    make([]byte, imaging.MaxBytes+1),
	} {
		_, err := imaging.Clean(in)
		var p imaging.Problem
		if !errors.As(err, &p) {
			t.Errorf("%s: %v, want a problem in words", name, err)
		}
	}
}

func pngChunk(kind string, data []byte) []byte {
	out := []byte{byte(len(data) >> 24), byte(len(data) >> 16), byte(len(data) >> 8), byte(len(data))}
	body := append([]byte(kind), data...)
	out = append(out, body...)
	c := crc32.ChecksumIEEE(body)
	return append(out, byte(c>>24), byte(c>>16), byte(c>>8), byte(c))
}

// FuzzClean: whatever is uploaded, cleaning does not panic, and what it
// accepts decodes as the type it says, within the limits.
//
//	go test -run='^$' -fuzz='^FuzzClean$' -fuzztime=30s ./internal/imaging/
func FuzzClean(f *testing.F) {
	var p, j bytes.Buffer
	png.Encode(&p, sample())       //nolint:errcheck // a bytes.Buffer
	jpeg.Encode(&j, sample(), nil) //nolint:errcheck // a bytes.Buffer
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := imaging.Clean(data)
		if err != nil {
			return
		}
		cfg, format, derr := image.DecodeConfig(bytes.NewReader(img.Data))
		if derr != nil || "image/"+format != img.ContentType || cfg.Width != img.Width || cfg.Height != img.Height ||
			img.Width*img.Height > imaging.MaxPixels {
			t.Fatalf("accepted %d bytes as %s %dx%d, which reads back as %s %dx%d (%v)", len(data), img.ContentType, img.Width, img.Height, format, cfg.Width, cfg.Height, derr)
		}
	})
}
