package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/web"
)

// The visitor's pages (home, join, the join form, sign in, reset, contact,
// newsletter) answer in the browser's language, Latin script or not, with
// the right <html lang>; the problems a form finds, which the domain words
// in English, are shown in it too; English is as it was.
func TestSitePages_InTheVisitorsLanguage(t *testing.T) {
	ts := newServer(t, web.Config{})
	do := func(method, path, acceptLanguage string, form url.Values) string {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, ts.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if acceptLanguage != "" {
			req.Header.Set("Accept-Language", acceptLanguage)
		}
		resp, err := ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	cases := []struct {
		name, method, path, accept string
		form                       url.Values
		lang                       string
		want                       []string
	}{
		{"home, Romanian", "GET", "/", "ro-RO,ro;q=0.9", nil, "ro",
			[]string{"Alerte de siguranță pentru lucrătoarele și lucrătorii sexuali", "Ești în pericol acum?", "Cere să devii membru"}},
		{"join, Hungarian", "GET", "/join", "hu", nil, "hu",
			[]string{"Jelentkezés magánszemélyként", "Soha nem küldünk neked jelszót", "„Oldal elhagyása”"}},
		{"join form, Thai", "GET", "/join/individual", "th", nil, "th",
			[]string{"สมัครในนามบุคคล", "ส่งใบสมัครของฉัน", "(ไม่บังคับ)", "ลอนดอน"}},
		{"join form's problems, Polish", "POST", "/join/individual", "pl", url.Values{"work_name": {""}}, "pl",
			[]string{"Jest problem", "Wybierz co najmniej jeden region", "Dla Twojego bezpieczeństwa nie zachowaliśmy hasła"}},
		{"sign in, Chinese", "GET", "/signin", "zh-CN", nil, "zh-Hans",
			[]string{"忘记密码了？", "用户名区分大小写。"}},
		{"sign in refused, Spanish", "POST", "/signin", "es", url.Values{"username": {"nobody"}, "password": {"not the password"}}, "es",
			[]string{"El nombre de usuario y la contraseña no coinciden."}},
		{"reset, Bulgarian", "GET", "/reset", "bg", nil, "bg", []string{"Нулирайте паролата си", "Изпратете ми код"}},
		{"contact, Portuguese", "GET", "/contact", "pt-BR", nil, "pt-BR", []string{"Escreva para nós aqui", "O e-mail não é privado"}},
		{"newsletter, Chinese", "GET", "/newsletter", "zh-Hans", nil, "zh-Hans", []string{"任何人都可以订阅"}},
		{"English as it was", "GET", "/", "", nil, "en-GB",
			[]string{"Safety alerts for sex workers", "<strong>In danger now?</strong> Call the police or an ambulance:"}},
	}
	for _, tc := range cases {
		body := do(tc.method, tc.path, tc.accept, tc.form)
		if !strings.Contains(body, `<html lang="`+tc.lang+`"`) {
			t.Errorf("%s: not <html lang=%q>", tc.name, tc.lang)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q", tc.name, w)
			}
		}
	}
}
