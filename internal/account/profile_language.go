package account

import (
	"context"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// SetLanguage records the language u reads the service in, and that her
// emails and SMS are in: a code of i18n.Languages, or "" to follow her
// browser's languages.
func (s *Service) SetLanguage(ctx context.Context, u scheme.User, code string) (string, error) {
	if code != "" {
		l, ok := i18n.Find(code)
		if !ok {
			return "", scheme.Invalid(map[string]string{"language": "Choose one of the languages offered."})
		}
		code = l.Code
	}
	return code, s.DB.Accounts.SetLanguage(ctx, u.ID, code)
}
