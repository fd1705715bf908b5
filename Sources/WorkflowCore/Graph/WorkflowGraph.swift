/// A workflow's structure: its executors and the edges control may take between them. flowtop's own workflows
/// describe theirs, a DevUI entity's comes from its info, and the dashboard's map draws it. Node ids are the agent
/// names events carry, so a node's state can be read from the events.
public struct WorkflowGraph: Sendable, Hashable {
    /// The shape, which decides how the map lays the graph out.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sequential
        case groupChat = "group-chat"
        case concurrent
        case handoff
        /// One agent and nothing else (a DevUI agent entity).
        case agent
        /// Any other graph of executors (a DevUI workflow, agents seen on a stream).
        case workflow
    }

    public struct Node: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case agent
            /// Picks who speaks next (a group chat's manager).
            case manager
            /// Joins the answers of agents that ran at once.
            case aggregator
            /// Where the prompt enters (a fan-out's dispatcher, DevUI's input-conversation).
            case input
            /// A person answers here (a DevUI request for human input).
            case human
            case other
        }

        /// The agent or executor name events carry.
        public var id: String
        /// What the map shows.
        public var name: String
        public var kind: Kind

        public init(id: String, name: String? = nil, kind: Kind = .agent) {
            self.id = id
            self.name = name ?? id
            self.kind = kind
        }
    }

    public struct Edge: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// The next step of a chain.
            case sequence
            /// One of several that run at once from the same source.
            case fanOut = "fan-out"
            /// One of several answers joined by the target.
            case fanIn = "fan-in"
            /// An agent may hand control to the target.
            case handoff
            /// A group chat's manager may give the target a turn.
            case turn
        }

        public var source: String
        public var target: String
        public var kind: Kind

        public init(_ source: String, _ target: String, kind: Kind = .sequence) {
            self.source = source
            self.target = target
            self.kind = kind
        }
    }

    public var kind: Kind
    public var nodes: [Node]
    public var edges: [Edge]
    /// The node that runs first, when the graph has one.
    public var start: String?

    public init(kind: Kind, nodes: [Node], edges: [Edge], start: String? = nil) {
        self.kind = kind
        self.nodes = nodes
        self.edges = edges
        self.start = start ?? nodes.first?.id
    }

    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    /// An id for a node of flowtop's own that is not an agent (a fan-out's input), unlike every agent's name.
    static func uniqueId(_ wanted: String, avoiding names: [String]) -> String {
        var candidate = wanted
        var number = 2
        while names.contains(candidate) {
            candidate = "\(wanted) \(number)"
            number += 1
        }
        return candidate
    }
}

extension Workflow {
    /// A workflow that does not describe its structure is a chain of its participants.
    public var graph: WorkflowGraph {
        WorkflowGraph(
            kind: .sequential, nodes: participants.map { WorkflowGraph.Node(id: $0) },
            edges: zip(participants, participants.dropFirst()).map { WorkflowGraph.Edge($0, $1) })
    }
}
