package imaging_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"uglymugs/internal/imaging"
)

// allocated is how many bytes fn allocates: an upper bound on how much its
// heap can grow, whatever the garbage collector does meanwhile.
func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// bigPNG writes a PNG row by row, so that the test never holds the pixels
// it describes: colorType 6 is RGBA, 0 grey; depth 8 or 16 bits. The rows
// are stripes, which compress well but are not all one value.
func bigPNG(t *testing.T, w, h int, colorType, depth byte) []byte {
	t.Helper()
	channels := map[byte]int{0: 1, 6: 4}[colorType]
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		out.Write(n[:])
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, depth, colorType, 0, 0, 0))
	var idat bytes.Buffer
	z, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]byte, 1+w*channels*int(depth)/8) // filter type 0, then the samples
	for y := range h {
		for i := 1; i < len(row); i++ {
			row[i] = byte(y>>4) ^ byte(i>>8)
		}
		if _, err := z.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// TestClean_RefusesA16BitPNGTooLargeToDecode: 5000×5000 pixels of 16-bit
// RGBA are 200 MB decoded, from a file of a few hundred kilobytes; cleaning
// it took 383 MB. It is refused from its header, in words that say how
// small to make it, having allocated almost nothing.
func TestClean_RefusesA16BitPNGTooLargeToDecode(t *testing.T) {
	data := bigPNG(t, 5000, 5000, 6, 16)
	if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
		t.Fatalf("the test image is not a PNG: %v", err)
	}
	if len(data) > imaging.MaxBytes {
		t.Fatalf("the test image is %d bytes, over the upload limit", len(data))
	}
	var err error
	n := allocated(func() { _, err = imaging.Clean(data) })
	t.Logf("%d bytes on disk, %d × %d pixels; Clean allocated %.1f MiB", len(data), 5000, 5000, float64(n)/(1<<20))
	var p imaging.Problem
	if !errors.As(err, &p) || !strings.Contains(string(p), "too many pixels") || !strings.Contains(string(p), "2,800 pixels on its longer side") {
		t.Errorf("Clean: %v, want it refused as too many pixels, saying how small to make it", err)
	}
	if n > 1<<20 {
		t.Errorf("refusing it allocated %.1f MiB, want under 1 MiB", float64(n)/(1<<20))
	}
}

// TestClean_MemoryStaysWithinTheBudget cleans images just under the budget
// of each kind the decoders allocate differently for, and measures what
// Clean allocates in all: the decoded pixels, the encoder's state and the
// new file, never more than the budget and 4 MiB.
func TestClean_MemoryStaysWithinTheBudget(t *testing.T) {
	photo := image.NewYCbCr(image.Rect(0, 0, 5000, 5000), image.YCbCrSubsampleRatio420) // 37.5 MB decoded
	for i := range photo.Y {
		photo.Y[i] = byte(i/photo.YStride) ^ byte(i%photo.YStride/64)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, photo, &jpeg.Options{Quality: 50}); err != nil {
		t.Fatal(err)
	}
	photo = nil //nolint:ineffassign,wastedassign // let the collector have it before measuring
	for name, data := range map[string][]byte{
		"16-bit RGBA PNG": bigPNG(t, 2800, 2800, 6, 16), // 62.7 MB decoded
		"16-bit grey PNG": bigPNG(t, 5000, 5000, 0, 16), // 50 MB
		"8-bit RGBA PNG":  bigPNG(t, 4000, 4000, 6, 8),  // 64 MB
		"JPEG":            jpg.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			if len(data) > imaging.MaxBytes {
				t.Fatalf("the test image is %d bytes, over the upload limit", len(data))
			}
			var got imaging.Image
			var err error
			n := allocated(func() { got, err = imaging.Clean(data) })
			if err != nil {
				t.Fatalf("Clean: %v", err)
			}
			t.Logf("%d bytes in, %d out, %d × %d; Clean allocated %.1f MiB", len(data), len(got.Data), got.Width, got.Height, float64(n)/(1<<20))
			if limit := uint64(imaging.MaxDecodedBytes + 4<<20); n > limit {
				t.Errorf("Clean allocated %.1f MiB, over the budget's %.1f MiB", float64(n)/(1<<20), float64(limit)/(1<<20))
			}
		})
	}
}

// TestClean_16BitPNGBecomes8Bit: the narrowing in place keeps each
// sample's high byte.
func TestClean_16BitPNGBecomes8Bit(t *testing.T) {
	src := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			src.SetNRGBA64(x, y, color.NRGBA64{R: uint16(x) << 10, G: uint16(y) << 10, B: 0x8123, A: 0xc0ff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, src); err != nil {
		t.Fatal(err)
	}
	got, err := imaging.Clean(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out, err := png.Decode(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	nrgba, ok := out.(*image.NRGBA)
	if !ok {
		t.Fatalf("cleaned into %T, want 8-bit NRGBA", out)
	}
	for _, p := range []image.Point{{0, 0}, {39, 29}, {17, 4}} {
		want := color.NRGBA{R: uint8(p.X << 2), G: uint8(p.Y << 2), B: 0x81, A: 0xc0}
		if c := nrgba.NRGBAAt(p.X, p.Y); c != want {
			t.Errorf("pixel %v: %v, want %v", p, c, want)
		}
	}
}
