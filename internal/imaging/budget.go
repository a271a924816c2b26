package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// MaxDecodedBytes bounds the memory that decoding an upload may take. The
// pixel limits alone do not: 25 megapixels of 16-bit RGBA are 200 MB once
// decoded, from a file of a few hundred kilobytes. The cost is worked out
// from the header, as the standard decoders will allocate it, before any
// pixel is decoded; an image over the budget is refused. Cleaning an
// accepted image allocates at most this, the re-encoded file and about
// 2 MiB of encoder state (TestClean_MemoryStaysWithinTheBudget measures it).
const MaxDecodedBytes = 64 << 20

// decodeCost is how many bytes the standard library's decoder will
// allocate for the image's pixels (and, for progressive JPEGs, its saved
// coefficients). ok is false if the header cannot be read.
func decodeCost(data []byte, ct string, cfg image.Config) (cost int64, ok bool) {
	if ct == "image/jpeg" {
		return jpegCost(data)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	var perPixel int64
	switch cfg.ColorModel {
	case color.GrayModel:
		perPixel = 1
	case color.Gray16Model:
		perPixel = 2
	case color.RGBAModel, color.NRGBAModel:
		perPixel = 4
	case color.RGBA64Model, color.NRGBA64Model:
		perPixel = 8
	default:
		if _, pal := cfg.ColorModel.(color.Palette); !pal {
			return 0, false
		}
		perPixel = 1
	}
	cost = px * perPixel
	// An interlaced PNG is decoded pass by pass into images of their own,
	// which together are as large again as the whole.
	const interlaceAt = 8 + 8 + 12 // signature, IHDR length and type, IHDR fields before it
	if len(data) > interlaceAt && data[interlaceAt] != 0 {
		cost *= 2
	}
	return cost, true
}

// jpegCost reads the frame header the way image/jpeg does (skipping what it
// skips) and adds up what its decoder allocates: a plane of samples per
// component, rounded up to whole MCUs; for a progressive image, 256 bytes of
// coefficients per 8×8 block; for a four-component image, the CMYK result.
func jpegCost(data []byte) (int64, bool) {
	if len(data) < 2 || data[0] != 0xff || data[1] != 0xd8 {
		return 0, false
	}
	for i := 2; i+1 < len(data); {
		if data[i] != 0xff { // extraneous data, ignored by the decoder too
			i++
			continue
		}
		marker := data[i+1]
		switch {
		case marker == 0x00, marker == 0xff: // "\xff\x00" and fill bytes
			i++
			continue
		case marker == 0xd9, marker == 0xda: // end of image or a scan before any frame header
			return 0, false
		case marker >= 0xd0 && marker <= 0xd7: // restart markers have no length
			i += 2
			continue
		}
		if i+4 > len(data) {
			return 0, false
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return 0, false
		}
		seg := data[i+4 : i+2+n]
		switch marker {
		case 0xc0, 0xc1, 0xc2: // the frame types image/jpeg decodes
			return frameCost(seg, marker == 0xc2)
		}
		i += 2 + n
	}
	return 0, false
}

func frameCost(seg []byte, progressive bool) (int64, bool) {
	if len(seg) < 6 {
		return 0, false
	}
	height := int64(seg[1])<<8 | int64(seg[2])
	width := int64(seg[3])<<8 | int64(seg[4])
	n := int(seg[5])
	if n < 1 || n > 4 || len(seg) < 6+3*n {
		return 0, false
	}
	hv := func(i int) (h, v int64) {
		if n == 1 { // a single component's sampling factors are ignored
			return 1, 1
		}
		b := seg[6+3*i+1]
		return max(int64(b>>4), 1), max(int64(b&0x0f), 1)
	}
	h0, v0 := hv(0)
	mxx := (width + 8*h0 - 1) / (8 * h0)
	myy := (height + 8*v0 - 1) / (8 * v0)
	var cost int64
	for i := range n {
		h, v := hv(i)
		blocks := mxx * myy * h * v
		cost += blocks * 64
		if progressive {
			cost += blocks * 256
		}
	}
	if n == 4 {
		cost += 4 * width * height
	}
	return cost, true
}

// tooManyPixels says how far to shrink an image that is over the budget.
func tooManyPixels(cfg image.Config, cost int64) Problem {
	scale := math.Sqrt(float64(MaxDecodedBytes) / float64(cost))
	side := int(float64(max(cfg.Width, cfg.Height))*scale) / 100 * 100
	return Problem(fmt.Sprintf("The image has too many pixels to process: save it at most %s pixels on its longer side and send it again.", thousands(max(side, 100))))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// narrow makes the decoded image one the encoders write without a
// conversion per pixel (which allocates per pixel): 16-bit images become
// 8-bit and CMYK becomes RGB, in place, in the memory already decoded. A
// web page shows 8 bits per channel anyway.
func narrow(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.NRGBA64:
		if m.Stride != 8*m.Rect.Dx() {
			return img
		}
		return &image.NRGBA{Pix: highBytes(m.Pix), Stride: m.Stride / 2, Rect: m.Rect}
	case *image.RGBA64:
		if m.Stride != 8*m.Rect.Dx() {
			return img
		}
		return &image.RGBA{Pix: highBytes(m.Pix), Stride: m.Stride / 2, Rect: m.Rect}
	case *image.Gray16:
		if m.Stride != 2*m.Rect.Dx() {
			return img
		}
		return &image.Gray{Pix: highBytes(m.Pix), Stride: m.Stride / 2, Rect: m.Rect}
	case *image.CMYK:
		p := m.Pix
		for i := 0; i+3 < len(p); i += 4 {
			p[i], p[i+1], p[i+2] = color.CMYKToRGB(p[i], p[i+1], p[i+2], p[i+3])
			p[i+3] = 0xff
		}
		return &image.RGBA{Pix: p, Stride: m.Stride, Rect: m.Rect}
	}
	return img
}

// highBytes keeps the high byte of each big-endian 16-bit sample, writing
// forwards over the same array: sample i's high byte moves from 2i to i,
// never over a byte not yet read.
func highBytes(p []byte) []byte {
	n := len(p) / 2
	for i := range n {
		p[i] = p[2*i]
	}
	return p[:n:n]
}
