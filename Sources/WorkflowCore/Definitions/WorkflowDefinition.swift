/// A workflow as a file describes it: agents and a topology with its options. Plain values, so a file can be
/// checked before anything runs, and built against any chat client.
public struct WorkflowDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sequential
        case groupChat = "group-chat"
        case concurrent
        case handoff
    }

    public struct AgentSpec: Sendable, Hashable {
        public var name: String
        public var instructions: String
        public var tools: [String]
        public var model: String?
        public var maxToolRounds: Int?
        /// Handoff workflows: the agents this one may hand off to (all others when nil).
        public var handoffs: [String]?
        /// The agent's own `max_tokens`, `temperature`, …: these win over every other layer.
        public var generation: GenerationSettings
        /// `kind: human` with its `question` (and `choices`): a person speaks for this participant.
        public var kind: AgentKind = .model
        /// `approval:` of the agent: whether its tools' calls wait for a person (each tool's own setting wins).
        public var approval: ApprovalMode?
        /// `tools: [{name: send_report, approval: always}]`: a tool's own setting, by its `tools:` entry.
        public var toolApprovals: [String: ApprovalMode] = [:]

        public init(
            name: String, instructions: String, tools: [String] = [], model: String? = nil, maxToolRounds: Int? = nil,
            handoffs: [String]? = nil, generation: GenerationSettings = .providerDefaults
        ) {
            self.name = name
            self.instructions = instructions
            self.tools = tools
            self.model = model
            self.maxToolRounds = maxToolRounds
            self.handoffs = handoffs
            self.generation = generation
        }

        /// `tool` with the approval this agent's file gives it: the tool's entry (`time.get_current_time`, or
        /// `time.*` for a server's every tool), else the agent's `approval:`, else none.
        public func applyingApproval(to tool: Tool) -> Tool {
            var tool = tool
            let mode = toolApprovals[tool.qualifiedName] ?? tool.server.flatMap { toolApprovals["\($0).*"] } ?? approval
            tool.approval = mode ?? .never
            return tool
        }
    }

    public enum Selection: String, Sendable, Hashable {
        case manager
        case roundRobin = "round-robin"
    }

    public var name: String
    public var description: String?
    public var kind: Kind
    public var agents: [AgentSpec]
    /// `mcp:`: the MCP servers agents may take tools from, in file order.
    public var mcpServers: [MCPServerSpec] = []
    /// `defaults:`: generation settings for every agent that does not set its own.
    public var defaults: GenerationSettings = .providerDefaults
    // Group chat
    public var selection: Selection = .roundRobin
    public var manager: AgentSpec?
    public var maxRounds: Int = 6
    public var terminateOn: String?
    public var outputAgent: String?
    // Concurrent
    public var aggregator: AgentSpec?
    // Handoff
    public var start: String?
    public var maxHandoffs: Int = 8

    public init(name: String, description: String? = nil, kind: Kind, agents: [AgentSpec]) {
        self.name = name
        self.description = description
        self.kind = kind
        self.agents = agents
    }

    /// Every agent that takes part, in display order (manager first, aggregator last).
    public var allAgents: [AgentSpec] {
        (manager.map { [$0] } ?? []) + agents + (aggregator.map { [$0] } ?? [])
    }

    /// Builds the runnable workflow, every agent talking to `client`. `toolLatency` slows the built-in tools
    /// for believable demos; `serverTools` are the tools of the running MCP servers (check them first with
    /// `checkTools`: a tool they lack is left out here).
    ///
    /// Each agent's generation settings are, setting by setting: its own, else `overrides` (the command line),
    /// else the workflow's `defaults:`, else unset (the provider's default).
    public func build(
        client: any ChatClient, toolLatency: Duration = .zero, overrides: GenerationSettings = .providerDefaults,
        serverTools: ServerTools = .none
    ) -> any Workflow {
        func agent(_ spec: AgentSpec) -> Agent {
            Agent(
                name: spec.name, instructions: spec.instructions,
                tools: (try? tools(for: spec, serverTools: serverTools, toolLatency: toolLatency))
                    ?? spec.tools.compactMap { BuiltinTools.named($0, latency: toolLatency) }.map(spec.applyingApproval),
                client: client, model: spec.model, maxToolRounds: spec.maxToolRounds ?? 8,
                generation: generation(for: spec, overrides: overrides), kind: spec.kind)
        }
        let built = agents.map(agent)
        switch kind {
        case .sequential:
            return SequentialWorkflow(name: name, agents: built)
        case .groupChat:
            let chooser: GroupChatWorkflow.Selection =
                selection == .manager ? .manager(agent(manager ?? Self.defaultManager)) : .roundRobin
            return GroupChatWorkflow(
                name: name, agents: built, selection: chooser, maxRounds: maxRounds, terminationPhrase: terminateOn,
                outputAgent: outputAgent)
        case .concurrent:
            return ConcurrentWorkflow(name: name, agents: built, aggregator: aggregator.map(agent))
        case .handoff:
            var routes: [String: [String]] = [:]
            for spec in agents { if let targets = spec.handoffs { routes[spec.name] = targets } }
            return HandoffWorkflow(
                name: name, agents: built, start: start ?? agents[0].name, routes: routes, maxHandoffs: maxHandoffs)
        }
    }

    /// The settings `spec`'s requests carry when built with `overrides`; see `build`.
    public func generation(for spec: AgentSpec, overrides: GenerationSettings = .providerDefaults) -> GenerationSettings {
        spec.generation.filling(from: overrides).filling(from: defaults)
    }

    static let defaultManager = AgentSpec(
        name: "Manager",
        instructions: "You coordinate a group chat. Pick who should speak next so the task gets done well.",
        // A manager only names the next speaker.
        generation: GenerationSettings(maxTokens: 16))
}
