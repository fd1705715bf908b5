import PostgresRunStore
import RunStore
import Testing

@Suite("PostgreSQL store addresses: URLs read as libpq reads them, the password never shown")
struct PostgresStoreAddressTests {
    @Test("A TCP URL gives host, port, user, database and sslmode")
    func tcpURL() throws {
        let address = try PostgresStoreAddress("postgres://flowtop:s3cret@db.example:6543/runs?sslmode=disable")
        #expect(address.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(address.user == "flowtop")
        #expect(address.database == "runs")
        #expect(address.tlsMode == .disable)
    }

    @Test("The description shows the password as ***")
    func descriptionRedactsPassword() throws {
        let address = try PostgresStoreAddress("postgresql://flowtop:s3cret@db.example/runs")
        #expect(address.description == "postgres://flowtop:***@db.example:5432/runs")
        #expect(!"\(address)".contains("s3cret"))
    }

    @Test("A host that is a folder is the unix socket in it, on the default port unless one is given")
    func unixSocketURL() throws {
        let address = try PostgresStoreAddress("postgres:///runs?host=/tmp/pg&user=flowtop")
        #expect(address.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5432", folder: "/tmp/pg", port: 5432))
        #expect(address.database == "runs")
        let other = try PostgresStoreAddress("postgres:///runs?host=/tmp/pg/&port=6000&user=flowtop")
        #expect(other.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.6000", folder: "/tmp/pg", port: 6000))
        #expect(other.description == "postgres://flowtop@/runs?host=/tmp/pg&port=6000")
    }

    @Test("Without a database the user's name is the database, as libpq does")
    func databaseDefaultsToUser() throws {
        #expect(try PostgresStoreAddress("postgres://alice@localhost").database == "alice")
    }

    @Test("PGPASSWORD gives the password when the URL has none, and is redacted as well")
    func passwordFromEnvironment() throws {
        let address = try PostgresStoreAddress("postgres://alice@localhost/runs", environment: ["PGPASSWORD": "pw"])
        #expect(address.description == "postgres://alice:***@localhost:5432/runs")
    }

    @Test("An unknown sslmode is refused, naming the choices")
    func unknownTLSMode() {
        #expect {
            try PostgresStoreAddress("postgres://alice:pw@localhost/runs?sslmode=sometimes")
        } throws: { error in
            let text = "\(error)"
            return text.contains("sslmode sometimes") && text.contains("verify-full") && !text.contains(":pw@")
        }
    }

    @Test("A malformed URL is refused with its password redacted")
    func malformedURLRedacted() {
        #expect {
            try PostgresStoreAddress("postgres://alice:hunter2@localhost:notaport/runs")
        } throws: { error in
            let text = "\(error)"
            return text.contains("alice:***@localhost") && !text.contains("hunter2")
        }
    }

    @Test("Redacting text hides the userinfo password and a password parameter")
    func redactingText() {
        #expect(
            PostgresStoreAddress.redacting("postgres://u:p@h/db?password=q&sslmode=disable")
                == "postgres://u:***@h/db?password=***&sslmode=disable")
        #expect(PostgresStoreAddress.redacting("postgres://u@h/db") == "postgres://u@h/db")
    }

    @Test("Another scheme is not a PostgreSQL URL")
    func otherScheme() {
        #expect(throws: RunStoreError.self) { try PostgresStoreAddress("mysql://u:p@h/db") }
    }
}
