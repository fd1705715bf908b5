import Foundation
import WorkflowCore

/// The body of `GET /api/runs`: `{"runs":[{"id","workflow","state","started","finished"?,"agents","events"}]}`,
/// newest first, times in ISO 8601.
enum RunListJSON {
    static func render(_ runs: [RunRecord.Summary]) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let items = runs.map { run -> String in
            var text = "{\"id\":\(ErrorResponse.quoted(run.id)),\"workflow\":\(ErrorResponse.quoted(run.workflow))"
            text += ",\"state\":\"\(run.state.rawValue)\",\"started\":\"\(formatter.string(from: run.started))\""
            if let finished = run.finished { text += ",\"finished\":\"\(formatter.string(from: finished))\"" }
            text += ",\"agents\":[\(run.agents.map(ErrorResponse.quoted).joined(separator: ","))]"
            text += ",\"events\":\(run.events)}"
            return text
        }
        return "{\"runs\":[\(items.joined(separator: ","))]}"
    }
}
