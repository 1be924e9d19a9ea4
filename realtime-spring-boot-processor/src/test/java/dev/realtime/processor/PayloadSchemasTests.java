package dev.realtime.processor;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PayloadSchemas} and the TypeScript declarations of payload types.
 *
 * @author Realtime team
 */
class PayloadSchemasTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void whenPayloadUsesSupportedTypesThenSchemaDescribesThem() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				import java.time.Instant;
				import java.util.List;
				import java.util.Map;
				import java.util.Optional;
				import java.util.Set;

				import dev.realtime.RealtimeChannel;
				import dev.realtime.Topic;
				import jakarta.validation.constraints.Email;
				import jakarta.validation.constraints.Max;
				import jakarta.validation.constraints.Min;
				import jakarta.validation.constraints.Pattern;
				import jakarta.validation.constraints.Size;
				import org.jspecify.annotations.Nullable;

				@RealtimeChannel("orders:{orderId}")
				public interface Orders {
					Topic<Order> order();

					enum State { OPEN, CLOSED }

					record Order(@Size(min = 1, max = 3) List<Line> lines, Set<String> tags, int[] counts,
							Map<String, Integer> totals, Optional<String> note, @Nullable State state,
							@Email String contact, @Pattern(regexp = "[A-Z]+") String code, @Min(1) @Max(9) long rank,
							Instant at, byte[] data, Customer customer, @Nullable Order previous) {
					}

					record Line(String sku, double price) {
					}

					class Customer {
						public String getName() { return ""; }
						public boolean isVip() { return false; }
						public static String getIgnored() { return ""; }
					}
				}
				""");
		assertThat(compilation.errors()).isEmpty();
		JsonNode schema = json.readTree(compilation.read("META-INF/realtime/channels.json"))
			.at("/channels/0/topics/0/schema");
		String expected = """
				{"$schema": "https://json-schema.org/draft/2020-12/schema",
				 "type": "object", "title": "Order", "x-java-type": "com.example.Orders.Order",
				 "properties": {
				   "lines": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "object", "title": "Line",
				     "x-java-type": "com.example.Orders.Line", "properties": {"sku": {"type": "string"},
				     "price": {"type": "number"}}, "required": ["sku", "price"]}},
				   "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
				   "counts": {"type": "array", "items": {"type": "integer"}},
				   "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
				   "note": {"type": ["string", "null"]},
				   "state": {"type": ["string", "null"], "enum": ["OPEN", "CLOSED", null]},
				   "contact": {"type": "string", "format": "email"},
				   "code": {"type": "string", "pattern": "[A-Z]+"},
				   "rank": {"type": "integer", "minimum": 1, "maximum": 9},
				   "at": {"type": "string", "format": "date-time"},
				   "data": {"type": "string", "contentEncoding": "base64"},
				   "customer": {"type": "object", "title": "Customer", "x-java-type": "com.example.Orders.Customer",
				     "properties": {"name": {"type": "string"}, "vip": {"type": "boolean"}}, "required": ["name", "vip"]},
				   "previous": {"type": ["object", "null"], "title": "Order", "x-java-type": "com.example.Orders.Order"}
				 },
				 "required": ["lines", "tags", "counts", "totals", "contact", "code", "rank", "at", "data", "customer"]}
				""";
		assertThat(schema).isEqualTo(json.readTree(expected));
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains("""
				/** Payload type com.example.Orders.Order. */
				export interface Order {
				  lines: Line[];
				  tags: string[];
				  counts: number[];
				  totals: Record<string, number>;
				  note?: string | null;
				  state?: "OPEN" | "CLOSED" | null;
				  contact: string;
				  code: string;
				  rank: number;
				  at: string;
				  data: string;
				  customer: Customer;
				  previous?: Order | null;
				}

				/** Payload type com.example.Orders.Line. */
				export interface Line {
				  sku: string;
				  price: number;
				}

				/** Payload type com.example.Orders.Customer. */
				export interface Customer {
				  name: string;
				  vip: boolean;
				}
				""");
	}

	@Test
	void whenPayloadTypesOfTwoChannelsShareASimpleNameThenTypeScriptNamesDiffer() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel("first:{id}")
				public interface First {
					dev.realtime.Topic<Status> status();
					record Status(String text) {}
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("second:{id}")
				public interface Second {
					dev.realtime.Topic<Status> status();
					record Status(int code) {}
				}
				""");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains("export interface Status {")
			.contains("export interface SecondStatus {")
			.contains("  status: SecondStatus;");
	}

}
