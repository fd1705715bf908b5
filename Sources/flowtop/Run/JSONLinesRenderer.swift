import Wire
import WorkflowCore

/// `--json`: one flowtop wire-schema object per line (the `data:` of `flowtop serve`), for scripts and `jq`.
struct JSONLinesRenderer {
    private var output = StandardOutput()

    mutating func render(_ event: WorkflowEvent) {
        output.append(FlowtopWireFormat.json(for: event))
        output.append("\n")
        output.flush()
    }
}
