package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// in sends a request as who with the browser's language acceptLanguage,
// following no redirects.
func (d *alertDesk) in(acceptLanguage, who, method, path string, form url.Values) (int, string) {
	d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, d.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	if tok := d.toks[who]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "um", Value: tok})
	}
	resp, err := d.ts.Client().Transport.RoundTrip(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The member's pages speak her language: the feed, one alert, the check's
// answer (made in Go), her account and its pages, the staff page; the
// incident types and regions inside an alert too.
func TestMemberPages_InTheMembersLanguage(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")}) // London; the report gives 07700 900123

	for _, c := range []struct {
		lang, who, method, path string
		form                    url.Values
		want                    []string
	}{
		{"hu", "member", "GET", "/alerts", nil, []string{"Szűrés régió, eset fajtája vagy dátum szerint", "A riasztásaid", "Rablás", "történt: "}},
		{"zh-Hans", "member", "GET", "/alerts/" + a.ID, nil, []string{"如何认出此人", "会员补充的信息", "伦敦", "严重程度"}},
		{"th", "member", "POST", "/check", url.Values{"value": {"07700 900123"}}, []string{"มีรายงานในการแจ้งเตือน 1 รายการ", "หมายเลขโทรศัพท์นี้มีอยู่ใน"}},
		{"th", "member", "POST", "/check", url.Values{"value": {"07700 900124"}}, []string{"ไม่มีรายงาน — ไม่ได้แปลว่าปลอดภัย", "เราตรวจสอบเป็นหมายเลขโทรศัพท์", "เชื่อสัญชาตญาณของคุณ"}},
		{"ro", "member", "GET", "/account", nil, []string{"Schimbă parola", "Vezi tot ce păstrăm despre mine"}},
		{"pl", "member", "GET", "/account/data", nil, []string{"Wszystko, co o Tobie przechowujemy", "Co nam podano"}},
		{"pt-BR", "member", "GET", "/account/profile", nil, []string{"Como devemos enviar alertas para você?", "Nome de trabalho"}},
		{"es", "org", "GET", "/organisation/staff", nil, []string{"Cuentas del personal", "Dale la contraseña en persona."}},
		{"bg", "org", "GET", "/alerts/" + a.ID + "/print", nil, []string{"Поверително.", "Как да ги разпознаете"}},
	} {
		status, body := d.in(c.lang, c.who, c.method, c.path, c.form)
		if status != http.StatusOK {
			t.Errorf("%s %s in %s: %d", c.method, c.path, c.lang, status)
			continue
		}
		if !strings.Contains(body, `<html lang="`+c.lang+`"`) {
			t.Errorf("%s %s in %s: not the page's language", c.method, c.path, c.lang)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s in %s lacks %q", c.method, c.path, c.lang, w)
			}
		}
	}

	// A problem the domain finds (English text) shows in her language too.
	if status, body := d.in("hu", "member", "POST", "/check", url.Values{"value": {"07700 900"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Add meg a teljes telefonszámot") {
		t.Errorf("a partial number in Hungarian: %d, problems %q", status, problemsOn(body))
	}

	// English is as it was.
	if _, body := d.in("en-GB", "member", "POST", "/check", url.Values{"value": {"07700 900123"}}); !strings.Contains(body, "This phone number is named in this alert. Read it before you decide anything.") {
		t.Error("the English check answer changed")
	}
}
