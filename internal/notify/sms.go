package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// SMSConfig says how to reach a Twilio-compatible Messages endpoint.
type SMSConfig struct {
	// URL is the Messages endpoint, e.g.
	// https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json.
	// It must be https, except on a loopback host (a test stub).
	URL string
	// Account and Token are the HTTP basic-auth user and password.
	Account, Token string
	// From is the sending number (E.164) or alphanumeric sender id.
	From string
}

// HTTPSMS sends SMS by POSTing To, From and Body as a form to a
// Twilio-compatible Messages endpoint. It is safe for concurrent use.
type HTTPSMS struct {
	cfg    SMSConfig
	client *http.Client
}

// e164 is a phone number in international form: + and up to 15 digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// NewHTTPSMS checks cfg and returns a sender using client, or, when client is
// nil, one with a 20-second timeout that does not follow redirects (a
// redirected POST would lose its body, or its credentials to another host).
func NewHTTPSMS(cfg SMSConfig, client *http.Client) (*HTTPSMS, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, errors.New("notify: the SMS URL must be the provider's Messages endpoint, e.g. https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json")
	}
	if u.User != nil {
		return nil, errors.New("notify: the SMS URL must not hold credentials; give the account and token separately")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, fmt.Errorf("notify: the SMS URL must use https (http is allowed for a loopback test stub only), not %q", u.Scheme)
	}
	var missing []string
	if cfg.Account == "" {
		missing = append(missing, "account")
	}
	if cfg.Token == "" {
		missing = append(missing, "token")
	}
	if strings.TrimSpace(cfg.From) == "" {
		missing = append(missing, "sender (from)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("notify: the SMS settings need: %s", strings.Join(missing, ", "))
	}
	if client == nil {
		// Connections kept open for every sender at once (the default keeps
		// two a host, so the others would open and close one a message).
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 16
		client = &http.Client{
			Transport: t,
			Timeout:   20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return &HTTPSMS{cfg: cfg, client: client}, nil
}

// String describes the sender for start-up logs, without credentials.
func (s *HTTPSMS) String() string {
	u, _ := url.Parse(s.cfg.URL)
	return "sms " + u.Scheme + "://" + u.Host
}

// SendSMS posts m to the provider. A 2xx reply means sent. 429, 5xx and
// network failures are temporary; any other reply wraps ErrPermanent. Errors
// carry the HTTP status and the provider's numeric error code only: a
// provider's error message often quotes the number.
func (s *HTTPSMS) SendSMS(ctx context.Context, m SMS) error {
	if !e164.MatchString(m.To) {
		return fmt.Errorf("%w: sms: the recipient is not an E.164 phone number", ErrPermanent)
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: sms: the message is empty", ErrPermanent)
	}
	form := url.Values{"To": {m.To}, "From": {s.cfg.From}, "Body": {m.Text}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("sms: building the request: %v", err)
	}
	req.SetBasicAuth(s.cfg.Account, s.cfg.Token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if m.Key != "" {
		if !safeID.MatchString(m.Key) {
			return fmt.Errorf("%w: sms: the idempotency key may hold only letters, digits, dots, dashes and underscores", ErrPermanent)
		}
		req.Header.Set("Idempotency-Key", m.Key)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error repeats the method and URL; the cause is what matters.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sms: the provider could not be reached: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused; the status is the answer

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	detail := fmt.Sprintf("status %d", resp.StatusCode)
	var perr struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &perr) == nil && perr.Code != 0 {
		detail += fmt.Sprintf(", provider code %d", perr.Code)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("sms: the provider could not take the message now (%s)", detail)
	case resp.StatusCode >= 400:
		return fmt.Errorf("%w: sms: the provider refused the message (%s)", ErrPermanent, detail)
	default:
		return fmt.Errorf("sms: unexpected reply from the provider (%s)", detail)
	}
}
