import CNcursesw

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ncursesw reads and writes multibyte characters through the C locale, which is "C" (ASCII) until a program
/// calls `setlocale`; it must happen before the screen is opened.
enum TerminalLocale {
    /// Adopts the user's locale. When that is not UTF-8 (containers often have `LANG` unset, on terminals that are
    /// UTF-8 all the same), the character type alone falls back to a UTF-8 locale if one is installed, so wide
    /// characters and box drawing still come out. Returns whether the character set is UTF-8 in the end.
    @discardableResult
    static func activate() -> Bool {
        _ = setlocale(LC_ALL, "")
        if flowtop_codeset_is_utf8() != 0 { return true }
        for candidate in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, candidate) != nil {
            if flowtop_codeset_is_utf8() != 0 { return true }
        }
        return false
    }
}
