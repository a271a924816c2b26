package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecode_EveryStringHasLFLineBreaks(t *testing.T) {
	type inner struct {
		Text string `json:"text"`
	}
	var in struct {
		Account string            `json:"account"`
		Notes   []string          `json:"notes"`
		Inner   *inner            `json:"inner"`
		Labels  map[string]string `json:"labels"`
		Any     any               `json:"any"`
		Kind    kindOfText        `json:"kind"`
	}
	body := `{"account":"one\r\ntwo","notes":["a\rb"],"inner":{"text":"c\r\nd"},"labels":{"k":"e\r\nf"},` +
		`"any":{"x":["g\r\nh",{"y":"i\rj"}]},"kind":"k\r\nl"}`
	r := httptest.NewRequest("POST", "/api/v1/reports", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if err := decode(r, &in); err != nil {
		t.Fatal(err)
	}
	nested := in.Any.(map[string]any)["x"].([]any)
	if in.Account != "one\ntwo" || in.Notes[0] != "a\nb" || in.Inner.Text != "c\nd" || in.Labels["k"] != "e\nf" ||
		nested[0] != "g\nh" || nested[1].(map[string]any)["y"] != "i\nj" || in.Kind != "k\nl" {
		t.Errorf("decoded %+v (any: %v)", in, in.Any)
	}
}

type kindOfText string
