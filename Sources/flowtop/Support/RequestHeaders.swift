import HTTPExchange

/// Headers given on the command line (`-H 'Name: value'`, as in curl) and `--api-key` (sent as
/// `Authorization: Bearer KEY`), with the secrets among them that must never be printed. `attach` and `top` share it.
struct RequestHeaders {
    var headers: [(name: String, value: String)] = []
    var secrets: [String] = []

    /// `lines` have been checked to hold a colon (`validate`).
    init(lines: [String], apiKey: String? = nil) {
        for line in lines {
            let colon = line.firstIndex(of: ":")!
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
            if SensitiveHeader.isSensitive(name) { secrets += SensitiveHeader.secrets(inValue: value) }
        }
        if let apiKey {
            headers.append(("Authorization", "Bearer \(apiKey)"))
            secrets.append(apiKey)
        }
    }

    static func validate(_ lines: [String]) throws(ValidationFailure) {
        for line in lines where !line.contains(":") {
            throw ValidationFailure("-H takes 'Name: value' (got a header without a colon)")
        }
    }

    struct ValidationFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
