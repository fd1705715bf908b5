import ArgumentParser
import Foundation
import WorkflowCore

/// `--approve all|none`: how tool calls that need approval are decided where no person can be asked.
enum ApprovePolicy: String, ExpressibleByArgument, CaseIterable {
    case all
    case none
}

/// Options of `run` and `demo` for requests to a person (approvals, questions).
struct HumanLoopOptions: ParsableArguments {
    @Option(name: .customLong("approve"), help: ArgumentHelp(
        "Without a terminal, approve every call that needs approval (all) or reject it (none); without this flag such a call fails the run.",
        valueName: "all|none"))
    var policy: ApprovePolicy?

    @Option(help: ArgumentHelp("How long a request for approval or an answer may wait before the run fails, in seconds.", valueName: "seconds"))
    var requestTimeout = 600.0

    func validate() throws {
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
    }

    var timeout: Duration { .milliseconds(Int((requestTimeout * 1000).rounded())) }

    /// Who answers when the dashboard is not shown: the terminal (standard input) if there is one, else the
    /// `--approve` policy, else no one (a request fails the run, naming the flag).
    func consoleResponder(terminal: Bool) -> any HumanResponder {
        if terminal { return TerminalQuestions(timeout: timeout) }
        if let policy {
            return FixedApprovals(approve: policy == .all, hint: "run on a terminal to answer it")
        }
        return NoResponder(message: "pass --approve all or --approve none to decide approvals without a terminal")
    }
}
