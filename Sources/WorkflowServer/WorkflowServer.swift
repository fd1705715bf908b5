import Hummingbird
import Logging
import NIOCore
import RunStore
import ServiceLifecycle
import TraceIngest
import WorkflowCore

/// flowtop's HTTP front door: the Hummingbird application with its routes, the run registry, and the service that
/// drains runs on shutdown. `flowtop serve` and the tests build the same thing.
public struct WorkflowServer: Sendable {
    public let configuration: ServerConfiguration
    public let catalog: WorkflowCatalog
    public let registry: RunRegistry
    /// OTLP spans sent to `POST /v1/traces` become traced runs in the registry.
    public let traceReceiver: TraceReceiver
    /// The model's label for `workflow_started` ("scripted flowtop-scripted").
    let modelLabel: String?
    let logger: Logger

    /// Where runs outlive the process (nil: memory only); started with `storeWriter.start()` before the app runs.
    public let storeWriter: StoreWriter?
    var store: (any RunStore)? { storeWriter?.store }
    /// A shared store's runs that other instances write, for the runs feed (nil unless the store is shared).
    let sharedRuns: SharedStoreRuns?

    public init(
        configuration: ServerConfiguration, catalog: WorkflowCatalog, modelLabel: String?, logger: Logger,
        storeWriter: StoreWriter? = nil
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.modelLabel = modelLabel
        self.logger = logger
        self.storeWriter = storeWriter
        let registry = RunRegistry(configuration: configuration, logger: logger, journal: storeWriter)
        self.registry = registry
        sharedRuns = (storeWriter?.store as? any LiveRunStore).map {
            SharedStoreRuns(store: $0, registry: registry, interval: configuration.feedInterval)
        }
        self.traceReceiver = TraceReceiver { updates in
            for update in updates { registry.publishTraced(runId: update.runId, events: update.events) }
        }
    }

    /// The application; `onServerRunning` learns the bound port (useful with port 0).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol & Service {
        let router = Router(context: ServerRequestContext.self)
        if let key = configuration.apiKey, !key.isEmpty {
            router.add(middleware: APIKeyMiddleware(key: key))
        }
        WorkflowRoutes(server: self).register(on: router)
        OTLPRoutes(receiver: traceReceiver).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "flowtop"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// Ends runs gracefully on shutdown; run it in the same service group, after the application.
    public var drainService: DrainService {
        DrainService(registry: registry, gracePeriod: configuration.shutdownGracePeriod, logger: logger,
                     traceReceiver: traceReceiver, storeWriter: storeWriter)
    }
}
