// ncursesw for Swift. NCURSES_WIDECHAR must be set before the header, or get_wch, cchar_t and the wide-character
// output functions are invisible to Swift. Macros Swift cannot import get small inline wrappers.
#ifndef FLOWTOP_NCURSES_SHIM_H
#define FLOWTOP_NCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncursesw/ncurses.h>
#include <ncursesw/term.h>

// Attributes are macros built from NCURSES_BITS, which Swift does not import.
static inline attr_t flowtop_attr_normal(void) { return A_NORMAL; }
static inline attr_t flowtop_attr_bold(void) { return A_BOLD; }
static inline attr_t flowtop_attr_dim(void) { return A_DIM; }
static inline attr_t flowtop_attr_italic(void) { return A_ITALIC; }
static inline attr_t flowtop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t flowtop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t flowtop_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }

// ncurses' globals are mutable C variables; Swift 6 rejects reading them directly, so they are read here.
static inline WINDOW *flowtop_stdscr(void) { return stdscr; }
static inline int flowtop_colors(void) { return COLORS; }
static inline int flowtop_color_pairs(void) { return COLOR_PAIRS; }
static inline void flowtop_getmaxyx(WINDOW *window, int *out_rows, int *out_columns) {
    getmaxyx(window, *out_rows, *out_columns);
}

// Mouse masks are function-like macros (NCURSES_MOUSE_MASK).
static inline mmask_t flowtop_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t flowtop_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t flowtop_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t flowtop_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t flowtop_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t flowtop_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }

// newterm takes FILE pointers; stdout and stdin are mutable C globals as well.
static inline SCREEN *flowtop_newterm(const char *type) { return newterm(type, stdout, stdin); }

// The number of colours a terminfo entry declares, without opening a screen; -1 when the entry does not exist.
// Used to see whether a direct-colour variant of $TERM (xterm-256color -> xterm-direct) is installed.
static inline int flowtop_terminfo_colors(const char *type) {
    int error = 0;
    TERMINAL *previous = cur_term;
    if (setupterm(type, STDOUT_FILENO, &error) != OK) {
        set_curterm(previous);
        return -1;
    }
    int colors = tigetnum("colors");
    TERMINAL *probe = set_curterm(previous);
    del_curterm(probe);
    return colors;
}

// The kernel's idea of the window size (TIOCGWINSZ is a macro with an argument type Swift cannot check).
static inline int flowtop_window_size(int fd, int *out_rows, int *out_columns) {
    struct winsize size;
    memset(&size, 0, sizeof size);
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) { return -1; }
    *out_rows = size.ws_row;
    *out_columns = size.ws_col;
    return 0;
}

// sigaction's handler field is a union whose spelling differs between C libraries; this builds the struct in C.
static inline int flowtop_sigaction(int signal, void (*handler)(int), int flags, struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    return sigaction(signal, &action, previous);
}
/// Puts back a disposition saved by flowtop_sigaction, except that "ignore" becomes the default action (an ignored
/// crash signal re-raised would otherwise return into the fault).
static inline int flowtop_sigaction_restore(int signal, const struct sigaction *previous) {
    if (previous->sa_handler == SIG_IGN) { return flowtop_sigaction(signal, SIG_DFL, 0, NULL); }
    return sigaction(signal, previous, NULL);
}
static inline int flowtop_sigaction_default(int signal) { return flowtop_sigaction(signal, SIG_DFL, 0, NULL); }
static inline int flowtop_sa_restart(void) { return SA_RESTART; }
/// One-shot crash handlers: reset to the default on entry, let a re-raise through at once, run on the alternate
/// stack (so a stack overflow can still restore the terminal).
static inline int flowtop_sa_crash_flags(void) { return SA_RESETHAND | SA_NODEFER | SA_ONSTACK; }

static inline int flowtop_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
#endif
