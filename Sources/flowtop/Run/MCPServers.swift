import MCPTools
import WorkflowCore

/// Starting the MCP servers a workflow's agents name, for the commands that run workflows.
enum MCPServers {
    /// The running servers, their tools checked against every agent's `tools:`; nil when no agent names one.
    static func start(for definition: WorkflowDefinition) async throws(CommandLineFailure) -> MCPServerGroup? {
        let specs = definition.serversInUse
        guard !specs.isEmpty else { return nil }
        let group: MCPServerGroup
        do {
            group = try await MCPServerGroup.start(specs)
        } catch {
            throw CommandLineFailure("\(error)")
        }
        do {
            try definition.checkTools(group.serverTools)
        } catch {
            await group.stop()
            throw CommandLineFailure("\(definition.name): \(error)")
        }
        return group
    }
}
