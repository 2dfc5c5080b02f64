/*
 * A stand-in bcryptprimitives.dll for running tikcraft's Windows build under
 * Debian's wine 8 in CI (test tooling only, never shipped). Go 1.26 calls
 * ProcessPrng from bcryptprimitives.dll at start for its random numbers;
 * wine 8's builtin DLL lacks it. This one fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which wine implements.
 * Should that ever fail, it says so, and Go stops with "ProcessPrng
 * failed" rather than run on bad randomness.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n)) {
			return FALSE;
		}
		data += n;
		length -= n;
	}
	return TRUE;
}
