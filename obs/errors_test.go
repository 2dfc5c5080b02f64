package obs

import "syscall"

var errConnRefused error = syscall.ECONNREFUSED
