package member

import "uglymugs/internal/web/core"

// server is the shared core, which the handlers of this package are
// methods on.
type server struct{ *core.Server }
