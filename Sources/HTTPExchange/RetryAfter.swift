import Foundation
import NIOHTTP1

/// How long a server asked us to wait before retrying, in seconds: Azure's and OpenAI's `retry-after-ms` when
/// present, else `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
public enum RetryAfter {
    public static func seconds(in headers: HTTPHeaders, now: Date = Date()) -> Double? {
        if let milliseconds = headers.first(name: "retry-after-ms").flatMap({
            Double($0.trimmingCharacters(in: .whitespaces))
        }),
            milliseconds.isFinite, milliseconds >= 0
        {
            return milliseconds / 1000
        }
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return nil }
        if value.allSatisfy(\.isASCIIDigit) { return Double(value) }
        guard let date = httpDate(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete RFC 850 and asctime forms.
    public static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
