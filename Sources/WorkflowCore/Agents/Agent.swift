/// A named participant: instructions, tools and the model it talks to.
public struct Agent: Sendable {
    public var name: String
    public var instructions: String
    public var tools: [Tool]
    public var client: any ChatClient
    /// A model name that overrides the client's default for this agent.
    public var model: String?
    /// How many times the agent may call tools before it must answer; past it the run fails with a clear error.
    public var maxToolRounds: Int
    /// The cap and sampling settings every request of this agent carries.
    public var generation: GenerationSettings
    /// A model, or a person asked a question in the agent's place (`kind: human`).
    public var kind: AgentKind

    public init(
        name: String, instructions: String, tools: [Tool] = [], client: any ChatClient, model: String? = nil,
        maxToolRounds: Int = 8, generation: GenerationSettings = .providerDefaults, kind: AgentKind = .model
    ) {
        self.name = name
        self.instructions = instructions
        self.tools = tools
        self.client = client
        self.model = model
        self.maxToolRounds = maxToolRounds
        self.generation = generation
        self.kind = kind
    }
}

/// Who speaks for a participant.
public enum AgentKind: Sendable, Hashable {
    case model
    /// A person, asked `question` each time the participant's turn comes; `schema` constrains the answer.
    case human(question: String, schema: JSONValue?)
}

/// Why a workflow step failed, in words for the person watching.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    public var agent: String?
    public var message: String

    public init(agent: String? = nil, _ message: String) {
        self.agent = agent
        self.message = message
    }

    public var description: String { agent.map { "\($0): \(message)" } ?? message }
}
