import Wire

/// Which dialect a stream is written in: the body's `format` wins, then `?format=`, then an `Accept` that names a
/// dialect (`application/vnd.ag-ui+event-stream`, `...; dialect=text`); otherwise flowtop's own.
enum DialectNegotiation {
    static func choose(body: String?, query: String?, accept: String?) throws(BadRequest) -> WireDialect {
        for candidate in [body, query] {
            guard let candidate else { continue }
            guard let dialect = WireDialect(rawValue: candidate.lowercased()), dialect.isServable else {
                let names = WireDialect.servable.map(\.rawValue).joined(separator: ", ")
                throw BadRequest("unknown format '\(candidate)'; use \(names)")
            }
            return dialect
        }
        if let accept = accept?.lowercased() {
            if accept.contains("ag-ui") || accept.contains("dialect=agui") { return .agui }
            if accept.contains("dialect=text") { return .text }
            if accept.contains("dialect=flowtop") { return .flowtop }
        }
        return .flowtop
    }
}
