import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs Neo4j Community embedded with the Bolt connector on 127.0.0.1, for users without a Neo4j install.
 *
 * <pre>
 * java -cp 'lib/*:classes' Neo4jLauncher --home DIR [--port N] [--no-auth] [--pagecache-mb N] [--exit-with-pid PID]
 * </pre>
 *
 * The password for user neo4j comes from the environment (KG_NEO4J_PASSWORD), not argv, so it does not show in ps.
 * Prints "READY bolt://127.0.0.1:PORT" once Bolt accepts connections; SIGTERM shuts the DBMS down cleanly.
 */
public final class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        Path home = null;
        int port = 0;
        boolean auth = true;
        long pagecacheMb = 256;
        long exitWithPid = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--no-auth" -> auth = false;
                case "--pagecache-mb" -> pagecacheMb = Long.parseLong(args[++i]);
                case "--exit-with-pid" -> exitWithPid = Long.parseLong(args[++i]);
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null) {
            fail("--home is required");
        }
        String password = System.getenv("KG_NEO4J_PASSWORD");
        if (auth && (password == null || password.isEmpty())) {
            fail("KG_NEO4J_PASSWORD must be set unless --no-auth is given");
        }

        DatabaseManagementService dbms;
        try {
            dbms = build(home, port, auth, pagecacheMb);
        } catch (RuntimeException error) {
            fail("Neo4j could not start: " + rootCause(error));
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
                System.out.println("STOPPED");
                System.out.flush();
            } finally {
                stopped.countDown();
            }
        }, "kg-neo4j-shutdown"));

        if (auth) {
            setPassword(dbms, password);
        }
        System.out.println("READY bolt://127.0.0.1:" + boltPort(dbms));
        System.out.flush();
        if (exitWithPid > 0) {
            // A test run that dies without stopping its server must not leave it behind.
            ProcessHandle.of(exitWithPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }
        stopped.await();
    }

    private static DatabaseManagementService build(Path home, int port, boolean auth, long pagecacheMb) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // The defaults (5 s each) make every stop take 10 s after the data is already safe on disk.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == error ? String.valueOf(error.getMessage())
                : error.getMessage() + " Cause: " + cause.getMessage();
    }

    /** With --port 0 the OS picks the port; the connector register knows which once Bolt is bound. */
    private static int boltPort(DatabaseManagementService dbms) throws InterruptedException {
        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        ConnectorPortRegister ports = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        for (int attempt = 0; attempt < 1200; attempt++) {
            var address = ports.getLocalAddress(ConnectorType.BOLT);
            if (address != null) {
                return address.getPort();
            }
            Thread.sleep(50);
        }
        fail("the Bolt connector did not bind within 60 s");
        return -1;
    }

    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException error) {
            // Restarting with the password already set is fine; anything else (too short, ...) is fatal.
            String message = String.valueOf(error.getMessage());
            if (!message.contains("cannot be the same")) {
                System.out.println("ERROR could not set the password: " + message);
                System.out.flush();
                System.exit(3);
            }
        }
    }

    private static void fail(String message) {
        System.out.println("ERROR " + message);
        System.exit(2);
    }
}
