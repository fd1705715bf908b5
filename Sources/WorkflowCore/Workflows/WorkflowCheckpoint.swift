import Foundation
import Synchronization

/// Where a run stands at the end of an agent turn, so a run cut short (a server killed mid-run) can go on from its
/// last completed turn instead of from the start. It is the log of the turns completed so far: resuming runs the
/// workflow again with those turns answered from the log, silently, so the conversation, the usage and the
/// workflow's position (the next agent in a sequence, the group chat's round, who holds a handoff, which experts
/// answered) come out exactly as they were, whatever the workflow's shape; the first turn not in the log runs for
/// real. Written as JSON into the run store at each turn's end.
public struct WorkflowCheckpoint: Sendable, Hashable, Codable {
    /// One completed turn: who spoke, their final text, what it cost, and whether they handed off.
    public struct Turn: Sendable, Hashable, Codable {
        public var agent: String
        public var text: String
        public var inputTokens: Int
        public var outputTokens: Int
        public var estimated: Bool
        public var handoffTarget: String?
        public var handoffReason: String?

        public init(agent: String, text: String, usage: Usage, handoffTarget: String? = nil, handoffReason: String? = nil) {
            self.agent = agent
            self.text = text
            self.inputTokens = usage.inputTokens
            self.outputTokens = usage.outputTokens
            self.estimated = usage.estimated
            self.handoffTarget = handoffTarget
            self.handoffReason = handoffReason
        }

        public var usage: Usage { Usage(inputTokens: inputTokens, outputTokens: outputTokens, estimated: estimated) }
    }

    /// The turns completed, in the order they completed.
    public var turns: [Turn]
    /// The sequence of the run's last event when the checkpoint was taken.
    public var sequence: Int

    public init(turns: [Turn], sequence: Int) {
        self.turns = turns
        self.sequence = sequence
    }

    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "not a flowtop checkpoint: \(reason)" }
    }

    /// The checkpoint as the store keeps it.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A value of strings, numbers and booleans always encodes.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public init(json: String) throws(DecodingError) {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
        } catch {
            throw DecodingError(reason: "\(error)")
        }
    }
}

/// The turns a resumed run answers from its checkpoint, and the checkpoints a run writes as its turns complete.
/// Shared by the run's agents (a concurrent workflow's run at once), hence the lock.
final class TurnLog: Sendable {
    private struct State {
        var recorded: [WorkflowCheckpoint.Turn]
        var completed: [WorkflowCheckpoint.Turn]
    }

    private let state: Mutex<State>
    let onCheckpoint: (@Sendable (WorkflowCheckpoint) -> Void)?

    init(replaying turns: [WorkflowCheckpoint.Turn], onCheckpoint: (@Sendable (WorkflowCheckpoint) -> Void)?) {
        state = Mutex(State(recorded: turns, completed: []))
        self.onCheckpoint = onCheckpoint
    }

    /// True while turns of the checkpoint are still to be answered: the workflow's own events (transitions between
    /// replayed turns) were already streamed before the run was cut, so they are not sent again.
    var isReplaying: Bool { state.withLock { !$0.recorded.isEmpty } }

    /// The next recorded turn of `agent`, taken from the log (the first one in completion order: within one agent
    /// the order is the workflow's, and a concurrent workflow's agents each take their own).
    func replay(agent: String) -> WorkflowCheckpoint.Turn? {
        state.withLock { state in
            guard let index = state.recorded.firstIndex(where: { $0.agent == agent }) else { return nil }
            let turn = state.recorded.remove(at: index)
            state.completed.append(turn)
            return turn
        }
    }

    /// A live turn completed: it joins the log, and the checkpoint so far is handed on at `sequence`.
    func complete(_ turn: WorkflowCheckpoint.Turn, sequence: Int) {
        let checkpoint = state.withLock { state -> WorkflowCheckpoint in
            state.completed.append(turn)
            return WorkflowCheckpoint(turns: state.completed, sequence: sequence)
        }
        onCheckpoint?(checkpoint)
    }
}
