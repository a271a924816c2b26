package support_test

import (
	"errors"

	"uglymugs/internal/scheme"
)

func asError(err error, e **scheme.Error) bool { return errors.As(err, e) }
