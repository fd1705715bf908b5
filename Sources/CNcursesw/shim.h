// ncursesw for Swift. NCURSES_WIDECHAR must be set before the header, or get_wch, cchar_t and the wide-character
// output functions are invisible to Swift. Macros Swift cannot import get small inline wrappers.
#ifndef FLOWTOP_NCURSES_SHIM_H
#define FLOWTOP_NCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/ncurses.h>
#endif
