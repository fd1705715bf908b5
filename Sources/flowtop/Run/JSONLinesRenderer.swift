import Foundation
import Wire
import WorkflowCore

/// `--json`: one flowtop wire-schema object per line (the `data:` of `flowtop serve`), for scripts and `jq`.
struct JSONLinesRenderer {
    private var output = StandardOutput()
    /// The terminal answers requests: each one's prompt goes to standard error, so standard output stays JSON.
    var asksOnTerminal = false

    mutating func render(_ event: WorkflowEvent) {
        output.append(FlowtopWireFormat.json(for: event))
        output.append("\n")
        output.flush()
        if asksOnTerminal, let prompt = TerminalQuestions.prompt(for: event.kind) {
            FileHandle.standardError.write(Data(prompt.utf8))
        }
    }
}
