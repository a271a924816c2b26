package outbox

import (
	"slices"
	"testing"
)

func TestStartOrder_FastChannelsFirstThenTheRestAsGiven(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"email", "push", "sms"}, []string{"push", "sms", "email"}},
		{[]string{"email", "sms"}, []string{"sms", "email"}},
		{[]string{"sms"}, []string{"sms"}},
		{[]string{"email", "fax"}, []string{"email", "fax"}},
		{nil, []string{}},
	} {
		if got := StartOrder(c.in); !slices.Equal(got, c.want) {
			t.Errorf("StartOrder(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
