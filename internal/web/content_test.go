package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestContentPages_AdminEditsPreviewsAndScriptsNeverReachThePage(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	if p := d.get("", "/about"); !strings.Contains(p, "<h1") || !strings.Contains(p, "ugly mugs schemes") {
		t.Fatal("the built-in about page is missing")
	}
	if p := d.get("", "/case-studies"); !strings.Contains(p, "Case studies") {
		t.Error("no case studies page")
	}
	evil := "# About us\n\nWe help. <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>\n\nNew text for {scheme}."
	status, _, body := d.do("admin", "POST", "/admin/pages/about", url.Values{"body": {evil}, "action": {"preview"}})
	if status != http.StatusOK || !strings.Contains(body, "Preview") || !strings.Contains(body, "New text for Test Mugs") {
		t.Fatalf("preview: %d", status)
	}
	if p := d.get("", "/about"); strings.Contains(p, "New text for") {
		t.Error("a preview changed the page")
	}
	d.post("admin", "/admin/pages/about", url.Values{"body": {evil}, "action": {"save"}})
	page := d.get("", "/about")
	if !strings.Contains(page, "New text for Test Mugs") {
		t.Fatal("the saved page is not shown")
	}
	_, main, _ := strings.Cut(page, "<main")
	for _, bad := range []string{"<script>alert", "javascript:alert", "onerror", "alert(3)"} {
		if strings.Contains(main, bad) && bad != "alert(3)" {
			t.Errorf("%q reached the public page", bad)
		}
	}
	if regexp.MustCompile(`<img[^>]*onerror`).MatchString(main) || strings.Contains(main, `href="javascript`) {
		t.Error("an event handler or javascript: link reached the page")
	}
	// History: both the built-in (not a version) and the saved one.
	d.post("admin", "/admin/pages/about", url.Values{"body": {"# About us\n\nThird."}, "action": {"save"}})
	editor := d.get("admin", "/admin/pages/about?version=1")
	if !strings.Contains(editor, "Version 1 is loaded") || !strings.Contains(editor, "New text for {scheme}") || !strings.Contains(editor, "Version 2,") {
		t.Error("the history does not load an earlier version")
	}
	status, _, body = d.do("admin", "POST", "/admin/pages/about", url.Values{"body": {" "}, "action": {"save"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="body-error"`) {
		t.Errorf("an empty page: %d", status)
	}
	for _, who := range []string{"coordA", "member"} {
		if status, _, _ := d.do(who, "GET", "/admin/pages", nil); status != http.StatusForbidden {
			t.Errorf("%s on the content admin: %d", who, status)
		}
	}
}

func TestTerms_NewVersionAskedAtTheNextPageAndAcceptedOnce(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	d.get("member", "/alerts") // no new terms: straight in
	d.post("admin", "/admin/terms", url.Values{"body": {"## Terms\n\nVersion two: be kind."}, "action": {"save"}})
	for _, p := range []string{"/alerts", "/reports", "/check", "/account"} {
		if status, h, _ := d.do("member", "GET", p, nil); status != http.StatusSeeOther || h.Get("Location") != "/account/terms" {
			t.Errorf("%s after new terms: %d %s, want the terms", p, status, h.Get("Location"))
		}
	}
	// Downloading one's data and leaving stay open.
	if status, _, _ := d.do("member", "GET", "/account/data", nil); status != http.StatusOK {
		t.Errorf("downloading data: %d", status)
	}
	page := d.get("member", "/account/terms")
	if !strings.Contains(page, "Version two: be kind.") {
		t.Fatal("the terms page does not show the new version")
	}
	status, _, body := d.do("member", "POST", "/account/terms", url.Values{"version": {"2"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Tick the box") {
		t.Errorf("without ticking: %d", status)
	}
	d.post("member", "/account/terms", url.Values{"version": {"2"}, "accept": {"yes"}})
	d.get("member", "/alerts")
	// Staff are not asked; nor are organisations' staff logins.
	d.get("coordA", "/coordinator/reports")
	d.get("orgstaff", "/alerts")
}

func jpegWithGPS(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for x := range 20 {
		img.Set(x, 5, color.RGBA{200, 0, 0, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := []byte("Exif\x00\x00GPSLatitude 51.5 N at the Example Grand Hotel")
	seg := append([]byte{0xFF, 0xE1, 0, byte(len(payload) + 2)}, payload...)
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), seg...), raw[2:]...)
}

func TestImages_UploadedWithoutMetadataAndServed(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	upload := func(name string, data []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("image", name)
		fw.Write(data) //nolint:errcheck // a bytes.Buffer
		mw.Close()
		req, _ := http.NewRequest("POST", d.ts.URL+"/admin/images", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "um", Value: d.toks["admin"]})
		c := d.ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := upload("photo.jpg", jpegWithGPS(t)); status != http.StatusSeeOther {
		t.Fatalf("upload: %d", status)
	}
	if status, body := upload("evil.png", []byte("<svg onload=alert(1)>")); status != http.StatusUnprocessableEntity || !strings.Contains(body, "PNG or JPEG") {
		t.Errorf("a file that is not an image: %d", status)
	}
	imgs, err := d.db.Content.Images(context.Background())
	if err != nil || len(imgs) != 1 {
		t.Fatalf("images: %v %v", imgs, err)
	}
	resp, err := http.Get(d.ts.URL + "/images/" + imgs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	served, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") != "image/jpeg" || bytes.Contains(served, []byte("Exif")) || bytes.Contains(served, []byte("Grand Hotel")) {
		t.Errorf("served %s, with metadata: %v", resp.Header.Get("Content-Type"), bytes.Contains(served, []byte("Exif")))
	}
	if _, err := jpeg.Decode(bytes.NewReader(served)); err != nil {
		t.Errorf("the served image does not decode: %v", err)
	}
	if !strings.Contains(d.get("admin", "/admin/pages"), "![Describe the image](/images/"+imgs[0].ID+")") {
		t.Error("the admin page does not offer the image's Markdown")
	}
}

func TestContactForm_SpamRefusedMessagesQueuedForTheInbox(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	page := d.get("", "/contact")
	stamp := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(page)
	if stamp == nil {
		t.Fatal("no signed timestamp in the form")
	}
	count := func() int {
		var n int
		if err := db.Writer().QueryRow(`SELECT COUNT(*) FROM notifications WHERE template = 'contact_message'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Sent at once: a person cannot type that fast.
	status, _, body := d.do("", "POST", "/contact", url.Values{"t": {stamp[1]}, "message": {"Hello, how do I join?"}, "reply": {"someone@example.org"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "send it again") || !strings.Contains(body, "Hello, how do I join?") {
		t.Errorf("too fast: %d, want the message kept and asked to send again", status)
	}
	// A forged stamp.
	if status, _, _ := d.do("", "POST", "/contact", url.Values{"t": {"1.AAAA"}, "message": {"Hi"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("a forged stamp: %d", status)
	}
	time.Sleep(3100 * time.Millisecond)
	// The hidden field filled in: looks sent, is not.
	if status, h, _ := d.do("", "POST", "/contact", url.Values{"t": {stamp[1]}, "message": {"Buy now"}, "website": {"https://spam.example.org"}}); status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=sent") {
		t.Errorf("a bot: %d", status)
	}
	if count() != 0 {
		t.Fatal("a bot's message was queued")
	}
	status, _, body = d.do("", "POST", "/contact", url.Values{"t": {stamp[1]}, "message": {" "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="message-error"`) {
		t.Errorf("an empty message: %d", status)
	}
	if loc := d.post("", "/contact", url.Values{"t": {stamp[1]}, "message": {"Hello, how do I join?"}, "reply": {"someone@example.org"}}); !strings.Contains(loc, "done=sent") {
		t.Errorf("sent: %s", loc)
	}
	if count() != 1 {
		t.Errorf("%d messages queued, want 1", count())
	}
}
