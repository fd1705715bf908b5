import WorkflowCore

/// The fast path of `FlowtopWireDecoder` for the events a stream is made of — text, reasoning and tool-argument
/// deltas, agent starts —, read member by member (`JSONMembers`) instead of through a dictionary: several times
/// faster, which is what lets `attach` ingest a million events a second.
///
/// It gives the same event as the general path or none at all: anything unusual (another type, an unknown or
/// repeated key, a field of an unexpected JSON type, a missing field) returns nil and the general path decides,
/// wording the error if there is one.
enum FlowtopDeltaDecoder {
    private enum Kind { case text, reasoning, toolCallArguments, agentStarted }

    /// The members these types have, as `FlowtopWireFormat` writes them.
    private struct Members {
        var kind: Kind?
        var agent: String?
        var messageId: String?
        var text: String?
        var delta: String?
        var callId: String?
        var sequence: Double?
        var timestamp: Double?
        var unusual = false

        /// Stores a string member once; a repeat or another JSON type makes the event unusual.
        mutating func set(_ slot: WritableKeyPath<Members, String?>, _ value: JSONValue) {
            guard self[keyPath: slot] == nil, case let .string(text) = value else { return unusual = true }
            self[keyPath: slot] = text
        }

        mutating func set(_ slot: WritableKeyPath<Members, Double?>, _ value: JSONValue) {
            guard self[keyPath: slot] == nil, case let .number(number) = value else { return unusual = true }
            self[keyPath: slot] = number
        }
    }

    static func decode(json: String, fallbackSequence: Int?) -> WorkflowEvent? {
        var members = Members()
        var sawType = false
        let read = JSONMembers.read(json) { key, value in
            guard !members.unusual else { return }
            switch key.count {
            case 2 where key.spells("ts"): members.set(\.timestamp, value)
            case 3 where key.spells("seq"): members.set(\.sequence, value)
            case 4 where key.spells("type"):
                guard !sawType, case let .string(type) = value else { return members.unusual = true }
                sawType = true
                switch type {
                case "text": members.kind = .text
                case "reasoning": members.kind = .reasoning
                case "tool_call_arguments": members.kind = .toolCallArguments
                case "agent_started": members.kind = .agentStarted
                default: members.unusual = true
                }
            case 4 where key.spells("text"): members.set(\.text, value)
            case 5 where key.spells("agent"): members.set(\.agent, value)
            case 5 where key.spells("delta"): members.set(\.delta, value)
            case 7 where key.spells("call_id"): members.set(\.callId, value)
            case 10 where key.spells("message_id"): members.set(\.messageId, value)
            default: members.unusual = true
            }
        }
        guard read, !members.unusual, let kind = members.kind else { return nil }
        // As the general path: `seq` when it is a whole number, else the SSE id, else 0; `ts` or 0.
        let sequence = members.sequence.map(JSONValue.number)?.intValue ?? fallbackSequence ?? 0
        let timestamp = members.timestamp ?? 0
        let event: WorkflowEvent.Kind
        switch kind {
        case .text:
            guard let text = members.text, members.delta == nil, members.callId == nil else { return nil }
            event = .textDelta(agent: members.agent ?? "", messageId: members.messageId ?? "", text: text)
        case .reasoning:
            guard let agent = members.agent, let delta = members.delta, members.text == nil, members.callId == nil else { return nil }
            event = .reasoningDelta(agent: agent, messageId: members.messageId ?? "", text: delta)
        case .toolCallArguments:
            guard let agent = members.agent, let callId = members.callId, let delta = members.delta,
                members.text == nil, members.messageId == nil
            else { return nil }
            event = .toolCallArgumentsDelta(agent: agent, callId: callId, delta: delta)
        case .agentStarted:
            guard let agent = members.agent, members.text == nil, members.delta == nil, members.callId == nil,
                members.messageId == nil
            else { return nil }
            event = .agentStarted(agent: agent)
        }
        return WorkflowEvent(sequence: sequence, timestamp: timestamp, kind: event)
    }
}
