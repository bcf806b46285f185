-- One database per service (each service owns its data); run once by the postgres image at first start.
CREATE DATABASE bangkom_needs;
CREATE DATABASE bangkom_training;
CREATE DATABASE bangkom_evaluation;
CREATE DATABASE bangkom_notifications;
CREATE DATABASE bangkom_gateway;
CREATE DATABASE bangkom_audit;
