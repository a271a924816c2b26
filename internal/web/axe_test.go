package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
)

// TestAxe_FindsWhatIsBroken keeps the accessibility gate honest: on a page
// with known faults, axe-core must report them.
func TestAxe_FindsWhatIsBroken(t *testing.T) {
	bctx := browsertest.New(t)
	if err := browserSteps(bctx, chromedp.Navigate(`data:text/html,<html><body><img src="x.png"><a href="/x"></a><input type="text"></body></html>`)); err != nil {
		t.Fatal(err)
	}
	v := browsertest.Axe(t, bctx)
	t.Logf("%d violations: %+v", len(v), v)
	if len(v) == 0 {
		t.Fatal("axe found nothing on a broken page")
	}
}
