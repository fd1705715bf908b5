import Synchronization
import WorkflowCore

/// The scripted model, except that one agent's calls wait until the test lets them go: so a test can look at a run
/// that is surely still going, however busy the machine is (a slow pace only makes that likely).
final class HeldChatClient: ChatClient {
    private let scripted: ScriptedChatClient
    private let heldAgent: String
    private let gate = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    init(holding agent: String, scripted: ScriptedChatClient = ScriptedChatClient(pace: .instant)) {
        self.heldAgent = agent
        self.scripted = scripted
    }

    var model: ModelDescription { scripted.model }

    /// Lets the held calls go, and every later one.
    func release() {
        let waiting = gate.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func streamResponse(_ request: ChatRequest, onUpdate: (ChatUpdate) throws -> Void) async throws {
        if request.agent == heldAgent {
            await withCheckedContinuation { continuation in
                let open = gate.withLock { state in
                    if !state.open { state.waiting.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }
        try await scripted.streamResponse(request, onUpdate: onUpdate)
    }
}
