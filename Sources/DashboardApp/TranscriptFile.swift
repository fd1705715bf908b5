import Dashboard
import Foundation

/// Carries out the `.saveTranscript` effect: writes the run as Markdown to `flowtop-RUN_ID.md` in a folder and
/// says how it went, as the input the dashboard shows.
enum TranscriptFile {
    static func save(_ state: DashboardState, in directory: String) -> DashboardInput {
        let name = "flowtop-\(state.runId.isEmpty ? "run" : state.runId).md"
        let path = directory + "/" + name
        do {
            try Transcript.markdown(state).write(toFile: path, atomically: true, encoding: .utf8)
            return .transcriptSaved(path: path)
        } catch {
            return .transcriptSaveFailed(path: path, reason: error.localizedDescription)
        }
    }
}
