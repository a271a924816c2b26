// Package imaging makes uploaded images safe to publish: it checks what
// the bytes are (not what the name or the browser says), refuses anything
// but PNG and JPEG, refuses images too large to decode safely, and decodes
// and re-encodes the pixels, so that nothing else in the file — EXIF (with
// GPS positions and camera serial numbers), XMP, ICC profiles, comments,
// trailing data — survives.
package imaging

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
)

// Limits on what is accepted.
const (
	MaxBytes  = 5 << 20 // the upload
	MaxPixels = 25_000_000
	MaxSide   = 8000
)

// Image is a cleaned image.
type Image struct {
	Data          []byte
	ContentType   string // image/png or image/jpeg
	Width, Height int
}

// Problem is what is wrong with an upload, in words for the person who
// sent it.
type Problem string

func (p Problem) Error() string { return string(p) }

// Clean checks and re-encodes an uploaded image: PNG stays PNG (lossless,
// but 16-bit channels become 8-bit), JPEG becomes a fresh JPEG at quality
// 88. An image whose decoding would take more than MaxDecodedBytes is
// refused before it is decoded.
func Clean(data []byte) (Image, error) {
	if len(data) == 0 {
		return Image{}, Problem("Choose an image file to upload.")
	}
	if len(data) > MaxBytes {
		return Image{}, Problem("The image is too large: send one under 5 MB.")
	}
	ct := http.DetectContentType(data)
	if ct != "image/png" && ct != "image/jpeg" {
		return Image{}, Problem("Send a PNG or JPEG image. This file is not one, whatever its name says.")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, Problem("The image could not be read: it may be damaged.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return Image{}, Problem("The image has too many pixels: make it smaller than 8,000 pixels on each side.")
	}
	cost, ok := decodeCost(data, ct, cfg)
	if !ok {
		return Image{}, Problem("The image could not be read: it may be damaged.")
	}
	if cost > MaxDecodedBytes {
		return Image{}, tooManyPixels(cfg, cost)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, Problem("The image could not be read: it may be damaged.")
	}
	img = narrow(img)
	var out bytes.Buffer
	switch ct {
	case "image/png":
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	default:
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 88})
	}
	if err != nil {
		return Image{}, errors.Join(errors.New("imaging: re-encode"), err)
	}
	b := img.Bounds()
	return Image{Data: out.Bytes(), ContentType: ct, Width: b.Dx(), Height: b.Dy()}, nil
}
