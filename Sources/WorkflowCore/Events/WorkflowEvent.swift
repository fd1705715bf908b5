/// One thing that happened in a workflow run. Every consumer (dashboard, `--plain`/`--json`, the server, attach)
/// sees the same typed stream, whatever produced it.
public struct WorkflowEvent: Sendable, Hashable {
    /// Run-wide, starting at 1, with no gaps: a consumer can tell whether it missed something.
    public var sequence: Int
    /// Seconds since 1970.
    public var timestamp: Double
    public var kind: Kind

    public init(sequence: Int, timestamp: Double, kind: Kind) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        case runStarted(RunStarted)
        /// The run goes on after its server died, from its last completed agent turn (`flowtop serve`'s resume).
        case runResumed(RunResumed)
        case agentStarted(agent: String)
        /// A piece of an agent's streamed answer; `messageId` groups the deltas of one response.
        case textDelta(agent: String, messageId: String, text: String)
        /// A piece of an agent's visible reasoning, where a model or remote stream provides one.
        case reasoningDelta(agent: String, messageId: String, text: String)
        /// A tool call begins. `arguments` is complete for in-process runs; remote streams may send "" here and
        /// the arguments in `toolCallArgumentsDelta` events.
        case toolCallStarted(agent: String, callId: String, tool: String, arguments: String)
        case toolCallArgumentsDelta(agent: String, callId: String, delta: String)
        /// How far a running tool call has got, where the tool reports it (an MCP server's progress notifications).
        case toolProgress(agent: String, callId: String, progress: ToolProgress)
        case toolResult(ToolResultInfo)
        /// `finishReason` is why the turn's last response ended (`.length`: at the token cap, `maxTokens`, the
        /// cap its requests were sent with); nil when the source does not say.
        case agentCompleted(agent: String, usage: Usage?, finishReason: FinishReason? = nil, maxTokens: Int? = nil)
        /// Control passes between agents (sequence step, group-chat turn, handoff, fan-in).
        case transition(from: String?, to: String, reason: String?)
        /// The workflow's answer (the last agent's text, or the aggregator's).
        case output(agent: String?, text: String)
        /// A tool call waits for a person's approval before it runs.
        case approvalRequested(ApprovalRequest)
        /// A person approved or rejected a held call (a rejected call's result tells the model so).
        case approvalResolved(ApprovalResolution)
        /// A step asks a person a question and waits for the answer.
        case inputRequested(InputRequest)
        /// A person answered an input request.
        case inputProvided(InputProvision)
        /// A non-fatal problem worth showing (a manager's invalid choice, an unknown remote event).
        case warning(agent: String?, message: String)
        case runCompleted(finalAgent: String?, usage: Usage, durationMs: Double)
        case runFailed(error: String, agent: String?)
        /// The run was stopped before it ended (Ctrl-C, a client that left, a timeout, a shutdown); `reason` says
        /// which when the one who stopped it knows.
        case runCancelled(reason: String?)
    }

    /// A run cut short (its server died mid-run) goes on from its last completed agent turn. Events between
    /// `checkpointSequence` and this one belong to a turn that did not complete; it starts again.
    public struct RunResumed: Sendable, Hashable {
        public var checkpointSequence: Int
        public var completedTurns: Int
        /// Who completed the last turn kept (nil: the run goes on from the start).
        public var lastAgent: String?

        public init(checkpointSequence: Int, completedTurns: Int, lastAgent: String?) {
            self.checkpointSequence = checkpointSequence
            self.completedTurns = completedTurns
            self.lastAgent = lastAgent
        }
    }

    public struct RunStarted: Sendable, Hashable {
        public var runId: String
        public var workflow: String
        public var participants: [String]
        /// The model in use, for display ("scripted", "openai gpt-4o-mini").
        public var model: String?
        /// The workflow's structure when the source knows it (flowtop's workflows, a DevUI entity's info), for the
        /// dashboard's map; nil otherwise (the map then shows the agents seen).
        public var graph: WorkflowGraph?

        public init(runId: String, workflow: String, participants: [String], model: String? = nil, graph: WorkflowGraph? = nil) {
            self.runId = runId
            self.workflow = workflow
            self.participants = participants
            self.model = model
            self.graph = graph
        }
    }

    public struct ToolResultInfo: Sendable, Hashable {
        public var agent: String
        public var callId: String
        public var tool: String
        public var result: String
        public var isError: Bool
        public var durationMs: Double

        public init(agent: String, callId: String, tool: String, result: String, isError: Bool, durationMs: Double) {
            self.agent = agent
            self.callId = callId
            self.tool = tool
            self.result = result
            self.isError = isError
            self.durationMs = durationMs
        }
    }

    /// The agent an event belongs to, when it belongs to one.
    public var agent: String? {
        switch kind {
        case .runStarted, .runResumed, .runCompleted, .runCancelled: return nil
        case let .agentStarted(agent), let .textDelta(agent, _, _), let .reasoningDelta(agent, _, _),
            let .toolCallStarted(agent, _, _, _), let .toolCallArgumentsDelta(agent, _, _), let .toolProgress(agent, _, _),
            let .agentCompleted(agent, _, _, _):
            return agent
        case let .toolResult(info): return info.agent
        case let .approvalRequested(request): return request.agent
        case let .approvalResolved(resolution): return resolution.agent
        case let .inputRequested(request): return request.agent
        case let .inputProvided(provision): return provision.agent
        case let .transition(_, to, _): return to
        case let .output(agent, _), let .warning(agent, _), let .runFailed(_, agent): return agent
        }
    }

    /// Whether this event ends a run.
    public var isTerminal: Bool {
        switch kind {
        case .runCompleted, .runFailed, .runCancelled: return true
        default: return false
        }
    }
}
