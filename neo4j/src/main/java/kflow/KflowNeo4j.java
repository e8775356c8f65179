package kflow;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>Arguments: the data directory, where scripts/neo4j.sh writes the settings (neo4j.conf)
 * and the password (mode 0600), and the Bolt port. Writes DIR/ready once Bolt listens and
 * the password is set; SIGTERM shuts down cleanly.
 */
public final class KflowNeo4j {
    private KflowNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KflowNeo4j DATA_DIR BOLT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String port = args[1];
        String password = Files.readString(home.resolve("password")).strip();
        Files.deleteIfExists(home.resolve("ready"));

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home.resolve("neo4j"))
                .loadPropertiesFromFile(home.resolve("neo4j.conf"))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kflow-neo4j: shutting down");
            service.shutdown();
            System.out.println("kflow-neo4j: stopped");
            stopped.countDown();
        }));
        setPassword(service.database("system"), password);
        Files.writeString(home.resolve("ready"), port + "\n");
        System.out.println("kflow-neo4j: Bolt on 127.0.0.1:" + port);
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
