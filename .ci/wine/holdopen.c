/*
 * holdopen FILE MS: opens FILE the way many Windows programs do (sharing
 * reading and writing, not deletion), prints "open", and keeps it open for
 * MS milliseconds. .ci/windows uses it to check that saving the actions
 * file from the dashboard waits for such a program instead of failing.
 * Test tooling only: it is never part of tikcraft.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: holdopen FILE MS\n");
		return 2;
	}
	HANDLE h = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		fprintf(stderr, "holdopen: cannot open the file: error %lu\n", GetLastError());
		return 1;
	}
	printf("open\n");
	fflush(stdout);
	Sleep((DWORD)_wtoi(argv[2]));
	CloseHandle(h);
	return 0;
}
