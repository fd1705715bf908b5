import ArgumentParser

/// `-H` and `--api-key`: how the commands that read from a server (attach, top, replay of a stored run) reach it.
struct ServerAccessOptions: ParsableArguments {
    @Option(name: .customShort("H"), help: ArgumentHelp("An extra request header, as in curl (repeatable).", valueName: "Name: value"))
    var header: [String] = []

    @Option(name: .customLong("api-key"), help: "Sent as `Authorization: Bearer KEY` (never printed).")
    var apiKey: String?

    func validate() throws {
        do { try RequestHeaders.validate(header) } catch { throw ValidationError(error.message) }
    }

    /// Every header to send, the API key's among them, and the secrets never to print.
    var headers: RequestHeaders { RequestHeaders(lines: header, apiKey: apiKey) }

    /// The `-H` headers alone (a DevUI server takes its key its own way).
    var extraHeaders: RequestHeaders { RequestHeaders(lines: header) }
}
