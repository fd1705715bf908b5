// The ncurses backend lands here.
