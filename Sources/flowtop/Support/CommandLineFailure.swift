import ArgumentParser

/// An error a user can act on: printed as `flowtop: error: <message>` with no stack trace, then a non-zero exit.
struct CommandLineFailure: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

extension CommandLineFailure {
    /// Reports the failure and exits with its code; argument-parser would otherwise print it with usage text.
    func exit() -> ExitCode {
        printError("flowtop: error: \(message)")
        return ExitCode(exitCode)
    }
}
