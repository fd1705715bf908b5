/// A tool call held until a person approves it: everything they need to decide, the full arguments included.
public struct ApprovalRequest: Sendable, Hashable {
    public var requestId: String
    public var agent: String
    public var callId: String
    public var tool: String
    /// The call's arguments as the model sent them (JSON text).
    public var arguments: String

    public init(requestId: String, agent: String, callId: String, tool: String, arguments: String) {
        self.requestId = requestId
        self.agent = agent
        self.callId = callId
        self.tool = tool
        self.arguments = arguments
    }
}

/// A question a step of the workflow puts to a person.
public struct InputRequest: Sendable, Hashable {
    public var requestId: String
    public var agent: String
    public var question: String
    /// A JSON schema the answer should satisfy (e.g. `{"type":"string","enum":[…]}` for fixed choices); nil: any text.
    public var schema: JSONValue?

    public init(requestId: String, agent: String, question: String, schema: JSONValue? = nil) {
        self.requestId = requestId
        self.agent = agent
        self.question = question
        self.schema = schema
    }

    /// The fixed answers the schema allows (`enum` of strings), empty when any text will do.
    public var choices: [String] {
        schema?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// Either kind of request a run can wait on.
public enum HumanRequest: Sendable, Hashable {
    case approval(ApprovalRequest)
    case input(InputRequest)

    public var id: String {
        switch self {
        case let .approval(request): return request.requestId
        case let .input(request): return request.requestId
        }
    }

    public var agent: String {
        switch self {
        case let .approval(request): return request.agent
        case let .input(request): return request.agent
        }
    }

    /// The event that records `response` answering this request (`approval_resolved`, `input_provided`); nil when
    /// the answer is of the other kind.
    public func resolution(by response: HumanResponse) -> WorkflowEvent.Kind? {
        switch (self, response) {
        case let (.approval(request), .approval(decision)):
            return .approvalResolved(.init(
                requestId: request.requestId, agent: request.agent, callId: request.callId, tool: request.tool,
                decision: decision))
        case let (.input(request), .input(answer)):
            return .inputProvided(.init(requestId: request.requestId, agent: request.agent, answer: answer))
        default:
            return nil
        }
    }
}

extension WorkflowEvent.Kind {
    /// The request for a person this event announces (`approval_requested`, `input_requested`), else nil.
    public var announcedRequest: HumanRequest? {
        switch self {
        case let .approvalRequested(request): .approval(request)
        case let .inputRequested(request): .input(request)
        default: nil
        }
    }
}

/// A person's decision on a tool call.
public struct ApprovalDecision: Sendable, Hashable {
    public var approved: Bool
    /// Why, when they said (told to the model with a rejection).
    public var reason: String?
    /// Who answered ("dashboard", "terminal", "--approve all", a server watcher); nil when unknown.
    public var answeredBy: String?

    public init(approved: Bool, reason: String? = nil, answeredBy: String? = nil) {
        self.approved = approved
        self.reason = reason
        self.answeredBy = answeredBy
    }
}

/// A person's answer to an input request.
public struct InputAnswer: Sendable, Hashable {
    public var text: String
    public var answeredBy: String?

    public init(text: String, answeredBy: String? = nil) {
        self.text = text
        self.answeredBy = answeredBy
    }
}

/// What answers a `HumanRequest`: a decision for an approval, text for an input request.
public enum HumanResponse: Sendable, Hashable {
    case approval(ApprovalDecision)
    case input(InputAnswer)

    /// Whether this is the kind of answer `request` takes.
    public func fits(_ request: HumanRequest) -> Bool {
        switch (self, request) {
        case (.approval, .approval), (.input, .input): return true
        default: return false
        }
    }
}

/// The event that records an approval's outcome.
public struct ApprovalResolution: Sendable, Hashable {
    public var requestId: String
    public var agent: String
    public var callId: String
    public var tool: String
    public var decision: ApprovalDecision

    public init(requestId: String, agent: String, callId: String, tool: String, decision: ApprovalDecision) {
        self.requestId = requestId
        self.agent = agent
        self.callId = callId
        self.tool = tool
        self.decision = decision
    }
}

/// The event that records a person's answer to an input request.
public struct InputProvision: Sendable, Hashable {
    public var requestId: String
    public var agent: String
    public var answer: InputAnswer

    public init(requestId: String, agent: String, answer: InputAnswer) {
        self.requestId = requestId
        self.agent = agent
        self.answer = answer
    }
}

/// Whether a tool's calls wait for a person's approval (a workflow file's `approval:`).
public enum ApprovalMode: String, Sendable, Hashable, CaseIterable {
    case always
    case never
}
