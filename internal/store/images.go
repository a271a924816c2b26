package store

import (
	"context"
	"database/sql"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/imaging"
	"uglymugs/internal/scheme"
)

// SaveImage stores a cleaned image and its audit entry.
func (area Content) SaveImage(ctx context.Context, actor string, img imaging.Image) (scheme.StoredImage, error) {
	db := area.db

	s := scheme.StoredImage{ID: newID(), ContentType: img.ContentType, Data: img.Data, Width: img.Width, Height: img.Height, UploadedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO images (id, content_type, data, width, height, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, s.ContentType, s.Data, s.Width, s.Height, actor, s.UploadedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "image.upload", SubjectType: "image", SubjectID: s.ID,
			Detail: fmt.Sprintf(`{"bytes":%d}`, len(s.Data))})
	})
	return s, err
}

// Image returns an image with its bytes.
func (area Content) Image(ctx context.Context, id string) (scheme.StoredImage, error) {
	db := area.db

	s := scheme.StoredImage{ID: id}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, data, width, height, uploaded_at FROM images WHERE id = $1`, id).
		Scan(&s.ContentType, &s.Data, &s.Width, &s.Height, &s.UploadedAt)
	return s, mapErr(err)
}

// Images lists the images, newest first, without their bytes.
func (area Content) Images(ctx context.Context) ([]scheme.StoredImage, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (s scheme.StoredImage, err error) {
		err = rows.Scan(&s.ID, &s.ContentType, &s.Width, &s.Height, &s.UploadedAt)
		return s, err
	}, `SELECT id, content_type, width, height, uploaded_at FROM images ORDER BY uploaded_at DESC, id`)
}

// QueueContactMessage queues a message from the contact form to the
// scheme's inbox, as a notification (address and text encrypted, erased
// once sent) with its sending job, in one transaction.
func (area Content) QueueContactMessage(ctx context.Context, inbox string, params map[string]string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.enqueueNotification(ctx, tx, "", "email", inbox, "contact_message", params)
	})
}
