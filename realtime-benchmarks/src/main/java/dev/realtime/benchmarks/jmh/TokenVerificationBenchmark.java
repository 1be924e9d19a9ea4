package dev.realtime.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import dev.realtime.benchmarks.starter.Bench;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.JwsRealtimeTokens;
import dev.realtime.token.TokenClaims;
import dev.realtime.token.TokenKeys;
import dev.realtime.token.TokenRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verifying an HS256 subscription token, as every SSE connect and WebSocket subscribe
 * does.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenVerificationBenchmark {

	private JwsRealtimeTokens tokens;

	private String token;

	@Setup
	public void setUp() {
		this.tokens = new JwsRealtimeTokens(DefaultChannelCatalog.of(Bench.class),
				TokenKeys.secret("realtime-benchmarks-shared-secret-0123456789"));
		this.token = this.tokens.mint(TokenRequest.read("bench:1")).token();
	}

	@Benchmark
	public TokenClaims verify() {
		return this.tokens.verify(this.token);
	}

}
