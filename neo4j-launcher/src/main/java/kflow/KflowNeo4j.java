package kflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;

/**
 * Neo4j 5 Community in this process, reachable over Bolt: what kflow's tests, benchmarks
 * and `scripts/start.sh --neo4j` run against when Docker is not at hand.
 *
 * <p>Arguments: the directory scripts/neo4j.sh prepared and how many servers to run. Server
 * 0 lives in DIR, server N in DIR/instance-N; each has its settings (neo4j.conf, its own Bolt
 * port), its data (neo4j/) and the password of DIR/password (mode 0600). Community Edition
 * has one user database per server, so tests that need several graphs at once get several
 * servers, sharing one JVM. Writes DIR/ready once every server listens and has its password;
 * SIGTERM shuts them down cleanly.
 */
public final class KflowNeo4j {
    private KflowNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KflowNeo4j DIR SERVERS");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath();
        int count = Integer.parseInt(args[1]);
        String password = Files.readString(root.resolve("password")).strip();
        Files.deleteIfExists(root.resolve("ready"));

        List<DatabaseManagementService> services = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kflow-neo4j: shutting down");
            // Each shutdown waits ~11 s for Bolt; in parallel they take that long together.
            List<Thread> shutdowns = services.stream().map(service -> new Thread(service::shutdown)).toList();
            shutdowns.forEach(Thread::start);
            for (Thread shutdown : shutdowns) {
                try {
                    shutdown.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            System.out.println("kflow-neo4j: stopped");
            stopped.countDown();
        }));
        for (int index = 0; index < count; index++) {
            Path home = index == 0 ? root : root.resolve("instance-" + index);
            DatabaseManagementService service = new DatabaseManagementServiceBuilder(home.resolve("neo4j"))
                    .loadPropertiesFromFile(home.resolve("neo4j.conf"))
                    .build();
            services.add(service);
            setPassword(service.database("system"), password);
            System.out.println("kflow-neo4j: server " + index + " on Bolt port "
                    + Files.readString(home.resolve("port")).strip());
        }
        Files.writeString(root.resolve("ready"), count + "\n");
        stopped.await();
    }

    /** Neo4j refuses to "change" a password to its current value, so set it only once. */
    private static void setPassword(GraphDatabaseService system, String password) {
        boolean required = system.executeTransactionally(
                "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' "
                        + "RETURN passwordChangeRequired",
                Map.of(),
                (Result result) -> {
                    List<Object> values = result.columnAs("passwordChangeRequired").stream()
                            .map(value -> (Object) value).toList();
                    return values.isEmpty() || Boolean.TRUE.equals(values.get(0));
                });
        if (required) {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }
    }
}
