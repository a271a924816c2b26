package i18n

import (
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Number writes n with decimals places as the language does, by CLDR's
// data: 1,234.5 in English, 1.234,5 in Romanian, 1 234,5 in Polish.
func (l *Localizer) Number(n float64, decimals int) string {
	return message.NewPrinter(l.Language.tag).Sprint(number.Decimal(n, number.Scale(decimals)))
}

// Percent writes a whole share, n out of 100, as the language does: 45%
// in English, 45 % in Romanian and Spanish.
func (l *Localizer) Percent(n int) string {
	return message.NewPrinter(l.Language.tag).Sprint(number.Percent(float64(n) / 100))
}
