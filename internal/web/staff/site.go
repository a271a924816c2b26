package staff

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"uglymugs/internal/imaging"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

type imageRow struct {
	ID, Markdown, Size, When string
}

func (s *server) imageRows(ctx context.Context) ([]imageRow, error) {
	imgs, err := s.Content.Images(ctx)
	var out []imageRow
	for _, i := range imgs {
		out = append(out, imageRow{ID: i.ID, Markdown: "![Describe the image](/images/" + i.ID + ")",
			Size: strconv.Itoa(i.Width) + " × " + strconv.Itoa(i.Height), When: s.Time(i.UploadedAt, core.DateShort)})
	}
	return out, err
}

func (s *server) uploadImage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		file, _, err := r.FormFile("image")
		var data []byte
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(file, imaging.MaxBytes+1))
			_ = file.Close() // an upload held in memory or a temporary file; the read is what matters
		}
		if err != nil && !errors.Is(err, http.ErrMissingFile) {
			return scheme.Errorf(scheme.CodeInvalid, "The upload could not be read: send an image under 5 MB.")
		}
		img, err := imaging.Clean(data)
		var p imaging.Problem
		if errors.As(err, &p) {
			return &scheme.Error{Code: scheme.CodeInvalid, Message: string(p)}
		}
		if err != nil {
			return err
		}
		if _, err := s.Content.SaveImage(r.Context(), u, img); err != nil {
			return err
		}
		core.SeeOther(w, r, "/admin/pages?done=image#images")
		return nil
	}, scheme.RoleAdmin))
}
